import { formatValidationIssues } from '@codex/validation';
import { expect } from 'vitest';

/**
 * The issues of a refused input, as an error response would carry them (`path: message`, input
 * never echoed). Fails the test when the input was accepted.
 */
export function issuesOf(result: {
  success: boolean;
  error?: Parameters<typeof formatValidationIssues>[0];
}) {
  expect(result.success).toBe(false);
  return result.error ? formatValidationIssues(result.error) : [];
}
