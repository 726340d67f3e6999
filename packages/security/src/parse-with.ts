import { formatValidationIssues } from '@codex/validation';
import { ApiError } from './api-error';

/** The zod error type that `formatValidationIssues` reads. */
type SchemaError = Parameters<typeof formatValidationIssues>[0];

/** What {@link parseWith} needs of a schema: zod's `safeParse`. Every zod 4 schema fits. */
export interface ValidationSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: SchemaError };
}

/**
 * Validates `value` with `schema` and returns the parsed (possibly transformed) data.
 *
 * @throws ApiError `VALIDATION_ERROR` (400) whose message lists the issues as
 *   `path: message` joined by `; ` (e.g. `contentId: must be a UUID`), or just `message` for an
 *   issue about the whole value. Messages come from the schema (`formatValidationIssues`); the
 *   rejected value is never echoed, nor are the names of unknown fields (`unknown fields are not
 *   allowed`).
 */
export function parseWith<T>(schema: ValidationSchema<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) {
    return result.data;
  }
  throw validationError(result.error);
}

/**
 * The `VALIDATION_ERROR` (400) that {@link parseWith} throws for a failed parse, for validators that
 * run the schema themselves (a zod-openapi `defaultHook`): the same message, built the same way.
 */
export function validationError(error: SchemaError): ApiError {
  const issues = formatValidationIssues(error).map((issue) =>
    issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`,
  );
  return new ApiError(
    'VALIDATION_ERROR',
    issues.length > 0 ? issues.join('; ') : 'Invalid request',
  );
}
