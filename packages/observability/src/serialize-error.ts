import { isError } from './is-error';
import { redactString } from './redact-string';
import { Sanitizer } from './sanitizer';

/** The JSON-safe, redacted form of a thrown value. */
export interface SerializedError {
  /** `error.name`, or `NonError` when something other than an `Error` was thrown. */
  name: string;
  /** `error.message`; for a thrown string the string; for other values their description. */
  message: string;
  /** `error.code` when it is set (Node system errors, Postgres SQLSTATE, Stripe codes...). */
  code?: string | number;
  /** Only when stacks were requested (never in production through `ObservabilityClient`). */
  stack?: string;
  /** The serialised `cause`: a nested `SerializedError`, a redacted value, or a placeholder. */
  cause?: unknown;
  /** For a thrown non-`Error` object only: its redacted copy. */
  value?: unknown;
}

/** Options for {@link serializeError}. */
export interface SerializeErrorOptions {
  /** Include the redacted `stack` (of the error and its causes). Default `false`. */
  readonly includeStack?: boolean;
  /** Cause chains longer than this end in `[Truncated]`. Default 5. */
  readonly maxCauseDepth?: number;
}

/** `name` used for thrown values that are not errors. */
const NON_ERROR_NAME = 'NonError';

function readMessage(value: object): string {
  try {
    const message: unknown = Reflect.get(value, 'message');
    return typeof message === 'string' ? redactString(message) : '';
  } catch {
    return '';
  }
}

/**
 * Serialises anything that can be thrown into a {@link SerializedError}.
 *
 * Guarantees:
 * - never throws and never mutates `error`; the result is safe for `JSON.stringify`;
 * - `name`, `message`, `code` and `stack` are redacted with `redactString`, so secrets in error
 *   messages (connection strings, keys, tokens, e-mails, card numbers) do not leak;
 * - `stack` is present only when `options.includeStack` is `true` (it is opt-in);
 * - `cause` is serialised recursively, at most `maxCauseDepth` levels, cycles as `[Circular]`;
 * - errors from other realms are recognised; a thrown string becomes
 *   `{ name: 'NonError', message: <string> }`, a thrown object
 *   `{ name: 'NonError', message: <its string message or ''>, value: <redacted copy> }`, any
 *   other value `{ name: 'NonError', message: <its description> }`.
 */
export function serializeError(
  error: unknown,
  options: SerializeErrorOptions = {},
): SerializedError {
  const sanitizer = new Sanitizer({
    includeErrorStacks: options.includeStack ?? false,
    ...(options.maxCauseDepth === undefined ? {} : { maxCauseDepth: options.maxCauseDepth }),
  });
  // Sanitizer never throws, so neither does this.
  if (isError(error)) {
    return sanitizer.serializeError(error);
  }
  if (typeof error === 'object' && error !== null) {
    return { name: NON_ERROR_NAME, message: readMessage(error), value: sanitizer.sanitize(error) };
  }
  // Primitives and functions: the sanitised form is a string, number, boolean, null or undefined.
  return { name: NON_ERROR_NAME, message: String(sanitizer.sanitize(error)) };
}
