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
