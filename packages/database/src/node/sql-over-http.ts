import type { IncomingMessage, ServerResponse } from 'node:http';
import pg from 'pg';
import {
  parseSqlOverHttpRequest,
  type SqlOverHttpConnection,
  type SqlOverHttpQuery,
  type SqlOverHttpRequest,
} from './parse-sql-over-http-request';

/** What one accepted HTTP request carried (see `DatabaseBridgeOptions.onHttpQuery`). */
export interface SqlOverHttpQueryInfo {
  /** Statements in the request: 1, or the length of a batch. */
  queries: number;
  /** True for `{ queries: [...] }`, run as one transaction. */
  batch: boolean;
}

export interface SqlOverHttpOptions {
  /** Called once per well-formed request, before it runs. */
  onQuery?: (info: SqlOverHttpQueryInfo) => void;
  /** Told about failures that are not Postgres errors (a server that is not running, ...). */
  onError?: (error: Error) => void;
}

export interface SqlOverHttpHandler {
  /** Answers one HTTP request: `POST /sql`, or 404 / 405. Never rejects. */
  handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>;
  /** Ends every pooled Postgres connection. */
  close: () => Promise<void>;
}

/** The path the driver posts to (`https://<host>/sql` on Neon). */
export const SQL_OVER_HTTP_PATH = '/sql';

// Far above any statement this codebase sends; Neon's proxy caps requests too (413).
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
// Connections per connection string. Tests run statements one after another; the embedded
// database serialises connections anyway.
const MAX_CONNECTIONS_PER_POOL = 4;
const IDLE_TIMEOUT_MS = 10_000;

// Every value stays as Postgres's text output: the driver parses it by `dataTypeID`.
const RAW_TEXT_TYPES = {
  getTypeParser: () => (value: string) => value,
} as unknown as pg.CustomTypesConfig;

// `queryMode` is honoured by pg 8.x but missing from @types/pg. Without it a statement with no
// parameters would go through the simple protocol, which accepts several statements in one string.
interface ExtendedQueryConfig extends pg.QueryArrayConfig<(string | null)[]> {
  queryMode: 'extended';
}

// Postgres's error fields, under the names the driver copies onto `NeonDbError`.
const POSTGRES_ERROR_FIELDS = [
  'code',
  'detail',
  'hint',
  'position',
  'internalPosition',
  'internalQuery',
  'severity',
  'where',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'file',
  'line',
  'routine',
] as const;

class RequestTooLarge extends Error {}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    length += buffer.length;
    if (length > MAX_REQUEST_BYTES) throw new RequestTooLarge();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, status: number, body: unknown, extra = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...extra });
  response.end(JSON.stringify(body));
}

function toErrorBody(error: pg.DatabaseError): Record<string, unknown> {
  const body: Record<string, unknown> = { message: error.message };
  for (const field of POSTGRES_ERROR_FIELDS) {
    if (error[field] !== undefined) body[field] = error[field];
  }
  return body;
}

async function runQuery(client: pg.PoolClient, query: SqlOverHttpQuery) {
  const config: ExtendedQueryConfig = {
    text: query.query,
    values: query.params,
    rowMode: 'array',
    types: RAW_TEXT_TYPES,
    queryMode: 'extended',
  };
  const result = await client.query<(string | null)[]>(config);
  const fields = result.fields.map((field) => ({
    name: field.name,
    dataTypeID: field.dataTypeID,
    tableID: field.tableID,
    columnID: field.columnID,
    dataTypeSize: field.dataTypeSize,
    dataTypeModifier: field.dataTypeModifier,
    format: 'text',
  }));
  const rows = query.arrayMode
    ? result.rows
    : result.rows.map((row) => Object.fromEntries(fields.map((f, i) => [f.name, row[i] ?? null])));
  return {
    command: result.command,
    rowCount: result.rowCount,
    rows,
    fields,
    rowAsArray: query.arrayMode,
  };
}

/**
 * Serves Neon's SQL-over-HTTP protocol (what `neon()` from `@neondatabase/serverless` speaks) in
 * front of a plain Postgres, for local runs and tests. Each statement goes through the extended
 * protocol on a pooled `pg` connection (one pool per connection string); a batch runs between
 * `BEGIN` (with the `Neon-Batch-*` options) and `COMMIT`, rolled back on the first error. A Postgres
 * error answers 400 with Postgres's fields, which the driver raises as `NeonDbError`; a refused
 * request answers 400 with `{ message }`. Only loopback connection strings are accepted.
 */
export function createSqlOverHttpHandler(options: SqlOverHttpOptions = {}): SqlOverHttpHandler {
  const pools = new Map<string, pg.Pool>();
  // Clients whose connection dropped: never reused.
  const broken = new WeakSet<pg.ClientBase>();
  let closed = false;

  const poolFor = (connection: SqlOverHttpConnection): pg.Pool => {
    const key = JSON.stringify(connection);
    let pool = pools.get(key);
    if (!pool) {
      pool = new pg.Pool({
        host: connection.host,
        port: connection.port,
        user: connection.user,
        password: connection.password,
        database: connection.database,
        application_name: connection.applicationName,
        ssl: false,
        max: MAX_CONNECTIONS_PER_POOL,
        idleTimeoutMillis: IDLE_TIMEOUT_MS,
        allowExitOnIdle: true,
      });
      // Every client gets an 'error' listener for its whole life, from the moment the pool first
      // hands it out. A connection can drop at any time (Postgres restarted, the backend
      // terminated), and `pg` emits that as 'error' on the client: without a listener the event
      // kills the process, and `pnpm dev` with it. pg-pool's own listener covers idle clients only
      // and is removed before `connect()` settles, so a backend ended right after its start-up
      // (the FATAL in the same read as ReadyForQuery) reached a client nobody listened to yet.
      pool.on('connect', (client) => {
        client.on('error', (error) => {
          broken.add(client);
          options.onError?.(error);
        });
      });
      // pg-pool re-emits an idle client's error after removing it: already reported above.
      pool.on('error', () => undefined);
      pools.set(key, pool);
    }
    return pool;
  };

  const execute = async (request: SqlOverHttpRequest) => {
    const client = await poolFor(request.connection).connect();
    // A connection that drops while checked out fails the query in flight on its own; the client
    // is then not reused (see the pool's 'connect' listener).
    let rolledBack = true;
    try {
      if (request.kind === 'single') return await runQuery(client, request.query);
      await client.query(request.begin);
      try {
        const results = [];
        for (const query of request.queries) results.push(await runQuery(client, query));
        await client.query('COMMIT');
        return { results };
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          rolledBack = false;
        });
        throw error;
      }
    } finally {
      // A connection left inside a transaction (a lone `BEGIN`, a failed rollback) or dropped is
      // not reused.
      client.release(!rolledBack || broken.has(client) || client.getTransactionStatus() !== 'I');
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? '/', 'http://bridge').pathname;
    if (path !== SQL_OVER_HTTP_PATH) return send(response, 404, { message: 'not found' });
    if (request.method !== 'POST') {
      return send(response, 405, { message: 'method not allowed' }, { allow: 'POST' });
    }
    if (closed) return send(response, 503, { message: 'the bridge is closing' });
    try {
      const parsed = parseSqlOverHttpRequest(request.headers, await readBody(request));
      if ('refused' in parsed) return send(response, 400, { message: parsed.refused });
      const batch = parsed.kind === 'batch';
      options.onQuery?.({ queries: batch ? parsed.queries.length : 1, batch });
      send(response, 200, await execute(parsed));
    } catch (error) {
      if (error instanceof RequestTooLarge) {
        return send(response, 413, { message: 'request is too large' });
      }
      if (error instanceof pg.DatabaseError) return send(response, 400, toErrorBody(error));
      const failure = error instanceof Error ? error : new Error(String(error));
      options.onError?.(failure);
      send(response, 500, { message: `could not run the query: ${failure.message}` });
    }
  };

  return {
    handle,
    close: async () => {
      closed = true;
      const ending = [...pools.values()].map((pool) => pool.end());
      pools.clear();
      await Promise.allSettled(ending);
    },
  };
}
