import { type AnyPgColumn, type SQL, sql } from '@codex/database';
import { uuidSchema } from '@codex/validation';
import { z } from 'zod';
import { PurchaseError } from '../purchase-error';

/** One page of a buyer's list, newest first. */
export interface Page<Item> {
  items: Item[];
  /** Pass it back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Which list a cursor belongs to: one list's cursor is refused by the other. */
export type PageCursorList = 'purchases' | 'library';

/** A row's place in a list: its sort instant (as Postgres keeps it, microseconds) and its id. */
interface PageKey {
  at: string;
  id: string;
}

// Postgres keeps microseconds and a JavaScript Date only milliseconds: a key rounded to the
// millisecond would skip rows of the same millisecond. So the instant travels as UTC text with all
// six digits, formatted by Postgres (`keyInstant`) and read back with `::timestamptz`.
const INSTANT_PATTERN = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})\d{3}Z$/;

const cursorSchema = z.strictObject({
  list: z.enum(['purchases', 'library']),
  at: z.string().regex(INSTANT_PATTERN),
  id: uuidSchema,
});

/** The sort instant of `column` as the text a cursor carries (select it beside the row). */
export function keyInstant(column: AnyPgColumn): SQL<string> {
  return sql<string>`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/**
 * The keyset condition "after the cursor's row" in `(at DESC, id DESC)` order: one row comparison,
 * which the list's index answers as a range. Undefined without a cursor (the first page). Throws
 * `PurchaseError` `INVALID_CURSOR` for a cursor this list did not issue.
 */
export function afterCursor(
  list: PageCursorList,
  cursor: string | undefined,
  columns: { at: AnyPgColumn; id: AnyPgColumn },
): SQL | undefined {
  if (cursor === undefined) return undefined;
  const key = decodeCursor(list, cursor);
  return sql`(${columns.at}, ${columns.id}) < (${key.at}::timestamptz, ${key.id}::uuid)`;
}

/**
 * Cuts the `limit + 1` rows a page query fetched to one page; the extra row only says that another
 * page exists, whose cursor is the last returned row's key.
 */
export function toPage<Row extends { cursor_at: string; id: string }, Item>(
  list: PageCursorList,
  rows: Row[],
  limit: number,
  toItem: (row: Row) => Item,
): Page<Item> {
  const pageRows = rows.slice(0, limit);
  const last = pageRows.at(-1);
  return {
    items: pageRows.map(toItem),
    nextCursor:
      rows.length > limit && last ? encodeCursor(list, { at: last.cursor_at, id: last.id }) : null,
  };
}

function encodeCursor(list: PageCursorList, key: PageKey): string {
  // ASCII only (a list name, digits, a UUID), so btoa needs no UTF-8 step.
  return btoa(JSON.stringify({ list, ...key }))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}

function decodeCursor(list: PageCursorList, cursor: string): PageKey {
  const invalid = () =>
    new PurchaseError(
      'INVALID_CURSOR',
      'This page link is not valid; start again from the first page',
    );
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) throw invalid();
  let decoded: unknown;
  try {
    decoded = JSON.parse(atob(cursor.replaceAll('-', '+').replaceAll('_', '/')));
  } catch {
    throw invalid();
  }
  const parsed = cursorSchema.safeParse(decoded);
  if (!parsed.success || parsed.data.list !== list) throw invalid();
  // The pattern admits 2026-02-30: only an instant that survives a round trip is a real one.
  const milliseconds = INSTANT_PATTERN.exec(parsed.data.at)?.[1];
  const date = new Date(`${milliseconds}Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString() !== `${milliseconds}Z`) throw invalid();
  return { at: parsed.data.at, id: parsed.data.id };
}
