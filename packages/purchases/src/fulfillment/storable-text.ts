// Postgres refuses U+0000 in `text` (22021) and in `jsonb` (22P05), and a lone UTF-16 surrogate in
// `jsonb` (its JSON parser; in `text` the driver silently turns one into U+FFFD).
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is the character Postgres refuses.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * `value` with every character Postgres refuses (U+0000, a lone surrogate) replaced by U+FFFD, so
 * a string from a payload can reach a `text` parameter or a `jsonb` value without failing the
 * statement. A replaced value differs from every value that was stored, so it matches none.
 */
export function toStorableText(value: string): string {
  return value.replace(UNSTORABLE, '\ufffd');
}

/**
 * A JSON-like value with {@link toStorableText} applied to every string and key in it, for a
 * `jsonb` column. Values that are not plain data (functions, symbols) are left to `JSON.stringify`.
 */
export function toStorableJson(value: unknown): unknown {
  if (typeof value === 'string') return toStorableText(value);
  if (Array.isArray(value)) return value.map(toStorableJson);
  if (typeof value !== 'object' || value === null || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [toStorableText(key), toStorableJson(child)]),
  );
}
