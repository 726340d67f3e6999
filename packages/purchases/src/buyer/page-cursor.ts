import { type AnyPgColumn, desc, type SQL, sql } from '@codex/database';
import { uuidSchema } from '@codex/validation';
import { z } from 'zod';
import { PurchaseError } from '../purchase-error';
import { type PageOptions, pageLimit } from './page-options';

/** One page of a buyer's list, newest first. */
export interface Page<Item> {
  items: Item[];
  /** Pass it back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Which list a cursor belongs to: one list's cursor is refused by the other. */
export type PageCursorList = 'purchases' | 'library' | 'sales' | 'review' | 'earnings';

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
  list: z.enum(['purchases', 'library', 'sales', 'review', 'earnings']),
  at: z.string().regex(INSTANT_PATTERN),
  id: uuidSchema,
});

/** The sort instant of `column` as the text a cursor carries (select it beside the row). */
export function keyInstant(column: AnyPgColumn): SQL<string> {
  return sql<string>`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** The parts of a page query that its key decides, so the order and the cursor always agree. */
export interface KeysetPage {
  /** "After the cursor's row" in the list's order, or undefined on the first page. */
  after: SQL | undefined;
  /** `at DESC, id DESC`: the order of the list's index. */
  orderBy: [SQL, SQL];
  /** The page size plus one: the extra row only says that another page exists. */
  fetchLimit: number;
}

/**
 * The keyset of one page of `list`, ordered by `(at DESC, id DESC)`: the row comparison after the
 * cursor (which the list's index answers as a range), the order, and how many rows to fetch.
 * `maxLimit` raises the page-size cap for internal walks (the sales export); the API's cap is the
 * default. Throws `PurchaseError` `INVALID_CURSOR` for a cursor this list did not issue.
 */
export function keysetPage(
  list: PageCursorList,
  options: PageOptions,
  columns: { at: AnyPgColumn; id: AnyPgColumn },
  maxLimit?: number,
): KeysetPage {
  const key = options.cursor === undefined ? undefined : decodeCursor(list, options.cursor);
  return {
    after: key
      ? sql`(${columns.at}, ${columns.id}) < (${key.at}::timestamptz, ${key.id}::uuid)`
      : undefined,
    orderBy: [desc(columns.at), desc(columns.id)],
    fetchLimit: pageLimit(options, maxLimit) + 1,
  };
}

/**
 * Cuts the rows a {@link keysetPage} query fetched to one page of `list` and maps them; when the
 * extra row came back, the next cursor is the last returned row's key.
 */
export function toPage<Row extends { cursor_at: string; id: string }, Item>(
  list: PageCursorList,
  rows: Row[],
  options: PageOptions,
  toItem: (row: Row) => Item,
  maxLimit?: number,
): Page<Item> {
  const limit = pageLimit(options, maxLimit);
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
