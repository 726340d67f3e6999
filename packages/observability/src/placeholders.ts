/**
 * The strings that stand in for values the sanitiser could not, or would not, copy.
 *
 * Guarantees: fixed strings, never containing any part of the value they replace.
 */
export const placeholders = {
  /** A reference back to an object that is already being serialised (a cycle). */
  circular: '[Circular]',
  /** Nesting (or an error `cause` chain) deeper than the configured limit. */
  truncated: '[Truncated]',
  /** A property whose getter threw. */
  unreadable: '[Unreadable]',
  /** A value that could not be serialised at all (e.g. a hostile proxy). */
  unserializable: '[Unserializable]',
} as const;
