import type { SQL } from 'drizzle-orm';
import type { Database, HttpDatabase } from './client';

/** Either transport: the WebSocket pool (interactive transactions) or SQL over HTTP. */
export type Queryable = Database | HttpDatabase;

/**
 * Runs one statement on either transport and returns its rows as objects keyed by column name.
 * Over HTTP this is one request; on the pool, one statement on a pooled connection. Values are as
 * the transport parses them: timestamps may arrive as text over HTTP, so read them with
 * `new Date(value)`.
 */
export async function queryRows<Row extends Record<string, unknown>>(
  db: Queryable,
  statement: SQL,
): Promise<Row[]> {
  // Both expose `execute`; their result types differ only in wrapper fields.
  const result = (await (db as Database).execute(statement)) as unknown as { rows: Row[] };
  return result.rows;
}

/**
 * A timestamp from a {@link queryRows} row, whichever transport read it (text over HTTP, a `Date`
 * on the pool); null stays null. Throws for a value that is no timestamp (a bug in the statement).
 */
export function toNullableDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) throw new Error(`not a timestamp: ${String(value)}`);
  return date;
}

/** {@link toNullableDate} for a `NOT NULL` column: throws when the value is missing. */
export function toDate(value: unknown): Date {
  const date = toNullableDate(value);
  if (!date) throw new Error('a NOT NULL timestamp came back null');
  return date;
}
