import type { z } from 'zod';

export interface ValidationIssue {
  /** Dotted path of the offending field (`contentId`, `items.0.id`); empty for the whole value. */
  path: string;
  message: string;
}

/**
 * The message for keys a strict schema does not know. Fixed: the keys are the client's own text,
 * so naming them would reflect arbitrary input into the response (zod's default names them too).
 */
const UNKNOWN_FIELDS_MESSAGE = 'unknown fields are not allowed';

/**
 * Turns a zod error into a stable, client-safe list of issues for an error response. Messages are
 * the schemas' own texts, and unknown fields get one fixed message; neither the rejected input nor
 * the names of unknown keys are ever echoed back.
 */
export function formatValidationIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.code === 'unrecognized_keys' ? UNKNOWN_FIELDS_MESSAGE : issue.message,
  }));
}
