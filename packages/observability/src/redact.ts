import { Sanitizer, type SanitizerOptions } from './sanitizer';

/** Options for {@link redact}. Stacks are excluded unless `includeErrorStacks` is `true`. */
export type RedactOptions = SanitizerOptions;

/**
 * Deep, redacted, JSON-safe copy of any value, for logging or for error responses.
 *
 * Guarantees:
 * - never throws and never mutates `value`;
 * - every string anywhere in the result (including object keys and serialised errors) has passed
 *   through `redactString`; numbers that look like card numbers are replaced too;
 * - values of keys whose name is sensitive (`password`, `secret`, `token`, `authorization`,
 *   `cookie`, `apiKey`, `stripe-signature`, ... — see `isSensitiveKey`) become `[REDACTED]`
 *   (`null`, `undefined`, `''` and booleans are kept: they cannot hold a secret);
 * - `JSON.stringify` on the result cannot throw: cycles become `[Circular]`, `bigint` a string,
 *   throwing getters `[Unreadable]`, nesting deeper than `maxDepth` (default 10) `[Truncated]`;
 * - errors become `{ name, message, code?, stack?, cause? }` (see `serializeError`), without
 *   `stack` unless `options.includeErrorStacks` is `true`.
 */
export function redact(value: unknown, options?: RedactOptions): unknown {
  return new Sanitizer(options).sanitize(value);
}
