import type { z } from 'zod';

export interface ValidationIssue {
  /** Dotted path of the offending field (`contentId`, `items.0.id`); empty for the whole value. */
  path: string;
  message: string;
}

/**
 * Turns a zod error into a stable, client-safe list of issues for an error response. Messages are
 * the schemas' own texts; the rejected input is never echoed back.
 */
export function formatValidationIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message:
      issue.code === 'unrecognized_keys'
        ? `unknown field(s): ${issue.keys.join(', ')}`
        : issue.message,
  }));
}
