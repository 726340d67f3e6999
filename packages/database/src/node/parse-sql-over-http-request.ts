import type { IncomingHttpHeaders } from 'node:http';
import { isLoopbackHost } from './is-loopback-host';

/** One statement as the driver sends it: SQL with `$n` placeholders and its parameters as text. */
export interface SqlOverHttpQuery {
  query: string;
  params: (string | null)[];
  /** Rows as arrays (the driver's `Neon-Array-Mode: true`, or the query's own `arrayMode`). */
  arrayMode: boolean;
}

/** Where the statements go: the fields of `Neon-Connection-String`, nothing else. */
export interface SqlOverHttpConnection {
  host: string;
  port: number;
  user: string;
  password: string | undefined;
  database: string;
  applicationName: string | undefined;
}

/** A request the endpoint accepted: one statement, or a batch run as one transaction. */
export type SqlOverHttpRequest =
  | { kind: 'single'; connection: SqlOverHttpConnection; query: SqlOverHttpQuery }
  | {
      kind: 'batch';
      connection: SqlOverHttpConnection;
      queries: SqlOverHttpQuery[];
      /** The `BEGIN …` statement built from the `Neon-Batch-*` headers. */
      begin: string;
    };

/** Why a request was refused (always answered with 400 and `{ message }`). */
export interface SqlOverHttpRefusal {
  refused: string;
}

// The header values the driver sends (`Neon-Batch-Isolation-Level`), and the SQL each one means.
// A closed table: header text never reaches the SQL.
const ISOLATION_LEVELS: Record<string, string> = {
  ReadUncommitted: 'READ UNCOMMITTED',
  ReadCommitted: 'READ COMMITTED',
  RepeatableRead: 'REPEATABLE READ',
  Serializable: 'SERIALIZABLE',
};

// The driver appends `application_name`; Neon's own connection strings carry `sslmode` and
// `channel_binding`, which mean nothing on loopback (no TLS there). Anything else (`host`, `port`,
// `options`, ...) could change where or how the connection goes, so it is refused, not ignored.
const ACCEPTED_PARAMETERS = new Set(['application_name', 'sslmode', 'channel_binding']);

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

function parseConnection(value: string | undefined): SqlOverHttpConnection | SqlOverHttpRefusal {
  if (!value) return { refused: 'missing Neon-Connection-String header' };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { refused: 'Neon-Connection-String is not a URL' };
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    return { refused: 'Neon-Connection-String must be a postgres:// or postgresql:// URL' };
  }
  if (!isLoopbackHost(url.hostname)) {
    return {
      refused: 'this local endpoint only connects to loopback hosts (localhost, 127/8, ::1)',
    };
  }
  for (const name of url.searchParams.keys()) {
    if (!ACCEPTED_PARAMETERS.has(name))
      return { refused: `unsupported connection parameter ${name}` };
  }
  const port = url.port ? Number(url.port) : 5432;
  const user = decodeURIComponent(url.username);
  if (!user) return { refused: 'Neon-Connection-String names no user' };
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    user,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    database: decodeURIComponent(url.pathname.slice(1)) || user,
    applicationName: url.searchParams.get('application_name') ?? undefined,
  };
}

function parseQuery(value: unknown, defaultArrayMode: boolean): SqlOverHttpQuery | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { query, params = [], arrayMode = defaultArrayMode } = value as Record<string, unknown>;
  if (typeof query !== 'string' || !Array.isArray(params) || typeof arrayMode !== 'boolean') {
    return undefined;
  }
  const texts: (string | null)[] = [];
  for (const param of params) {
    // The driver serialises every value to text (or null) before sending; Neon's proxy also
    // accepts JSON numbers and booleans as their text, and so does this endpoint.
    if (param === null || typeof param === 'string') texts.push(param);
    else if (typeof param === 'number' || typeof param === 'boolean') texts.push(String(param));
    else return undefined;
  }
  return { query, params: texts, arrayMode };
}

/**
 * Reads a SQL-over-HTTP request the way `@neondatabase/serverless`'s `neon()` sends it: the
 * `Neon-*` headers and a JSON body `{ query, params }` or `{ queries: [...] }`. Returns the request,
 * or why it is refused. The connection string must name a loopback host; header values only ever
 * select from closed tables, they are never copied into SQL.
 */
export function parseSqlOverHttpRequest(
  headers: IncomingHttpHeaders,
  body: string,
): SqlOverHttpRequest | SqlOverHttpRefusal {
  const connection = parseConnection(header(headers, 'neon-connection-string'));
  if ('refused' in connection) return connection;
  // The driver parses every value from Postgres's text output; JSON-typed output is not built.
  if (header(headers, 'neon-raw-text-output') !== 'true') {
    return { refused: 'this local endpoint only serves Neon-Raw-Text-Output: true' };
  }
  const arrayMode = header(headers, 'neon-array-mode') === 'true';
  const isolationHeader = header(headers, 'neon-batch-isolation-level');
  const isolation = isolationHeader === undefined ? undefined : ISOLATION_LEVELS[isolationHeader];
  if (isolationHeader !== undefined && isolation === undefined) {
    return { refused: 'invalid isolation level' };
  }

  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    return { refused: 'request body is not JSON' };
  }
  const shape = 'expected a JSON body {"query": string, "params": [...]} or {"queries": [...]}';
  if (typeof payload !== 'object' || payload === null) return { refused: shape };

  if ('queries' in payload) {
    const { queries } = payload as { queries: unknown };
    if (!Array.isArray(queries)) return { refused: shape };
    const parsed = queries.map((query) => parseQuery(query, arrayMode));
    if (!parsed.every((query) => query !== undefined)) return { refused: shape };
    const modes = [
      isolation && `ISOLATION LEVEL ${isolation}`,
      header(headers, 'neon-batch-read-only') === 'true' && 'READ ONLY',
      header(headers, 'neon-batch-deferrable') === 'true' && 'DEFERRABLE',
    ].filter((mode) => typeof mode === 'string');
    const begin = modes.length > 0 ? `BEGIN ${modes.join(', ')}` : 'BEGIN';
    return { kind: 'batch', connection, queries: parsed, begin };
  }
  const query = parseQuery(payload, arrayMode);
  return query ? { kind: 'single', connection, query } : { refused: shape };
}
