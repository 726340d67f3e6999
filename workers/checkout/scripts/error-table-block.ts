// The README's error table, generated from the one error table (`apiErrors` in
// `@codex/validation`): `write-openapi.ts` rewrites it, `src/openapi.test.ts` checks it. No Node
// API here, so the test can run it inside workerd.

/** The line before the generated table. */
export const ERROR_TABLE_START = '<!-- api-errors:start -->';
/** The line after the generated table. */
export const ERROR_TABLE_END = '<!-- api-errors:end -->';

function markerPositions(markdown: string): { start: number; end: number } | undefined {
  const start = markdown.indexOf(ERROR_TABLE_START);
  const end = markdown.indexOf(ERROR_TABLE_END);
  return start === -1 || end < start ? undefined : { start, end };
}

/** The text between the markers, without the line breaks around it; undefined without markers. */
export function readErrorTableBlock(markdown: string): string | undefined {
  const markers = markerPositions(markdown);
  return markers && markdown.slice(markers.start + ERROR_TABLE_START.length, markers.end).trim();
}

/**
 * `markdown` with the text between the markers replaced by `table`.
 *
 * @throws Error when the markers are missing or out of order: the table has no place to go.
 */
export function writeErrorTableBlock(markdown: string, table: string): string {
  const markers = markerPositions(markdown);
  if (!markers) {
    throw new Error(`expected ${ERROR_TABLE_START} … ${ERROR_TABLE_END} around the error table`);
  }
  return `${markdown.slice(0, markers.start)}${ERROR_TABLE_START}\n${table}\n${markdown.slice(markers.end)}`;
}
