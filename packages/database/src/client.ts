import { Client, neon, Pool } from '@neondatabase/serverless';
import { drizzle as drizzleHttp, type NeonHttpDatabase } from 'drizzle-orm/neon-http';
import { drizzle, type NeonDatabase } from 'drizzle-orm/neon-serverless';
import { routeNeonFetch } from './route-neon-fetch';
import * as schema from './schema';

/** The Drizzle instance every package uses, typed with the whole schema. */
export type Database = NeonDatabase<typeof schema>;

/** A transaction handle, as passed to `db.transaction(async (tx) => ...)`. */
export type DatabaseTransaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/** Minimal shape of a WebSocket class (the global one in Workers, `ws` in Node). */
export type WebSocketConstructor = new (url: string) => unknown;

export interface DatabaseClientOptions {
  /** `postgres://user:password@host:port/database`, as Neon or a local server gives it. */
  connectionString: string;
  /**
   * `host:port/path` of a WebSocket-to-TCP bridge in front of a plain Postgres server (local
   * development and tests; see `startDatabaseBridge` in `@codex/database/node`). Leave unset for
   * Neon, whose own proxy speaks TLS.
   */
  webSocketProxy?: string;
  /** Required where no global `WebSocket` exists (Node 20): pass the `ws` package's class. */
  webSocketConstructor?: WebSocketConstructor;
  /** Upper bound of open connections in this pool. Default 5. */
  maxConnections?: number;
  /** Called with the SQL text of every statement Drizzle sends (tests count round trips with it). */
  onQuery?: (sql: string) => void;
  /** Called each time the pool opens a new connection (tests count connection set-ups with it). */
  onConnect?: () => void;
  /**
   * Called with errors raised by idle connections (for example a socket the runtime closes at the
   * end of a request). Without a listener such an error would crash the isolate.
   */
  onConnectionError?: (error: Error) => void;
}

export interface DatabaseClient {
  db: Database;
  /** Closes every connection of the pool. Safe to call more than once; never rejects. */
  close: () => Promise<void>;
}

/**
 * Builds a Drizzle instance on a fresh `@neondatabase/serverless` Pool.
 *
 * In Workers a pool must not outlive its request: create one per request and call `close()` before
 * the response is returned (or hand it to `waitUntil`). `withDatabase` does both for a function.
 * Nothing is connected until the first query.
 */
export function createDatabaseClient(options: DatabaseClientOptions): DatabaseClient {
  const { webSocketProxy, webSocketConstructor } = options;

  // Per-connection driver settings live on each Client, not on the module-wide `neonConfig`, so a
  // bridge configured for tests can never leak into a production pool in the same isolate.
  class ConfiguredClient extends Client {
    constructor(config?: ConstructorParameters<typeof Client>[0]) {
      super(config);
      if (webSocketConstructor) {
        this.neonConfig.webSocketConstructor = webSocketConstructor as typeof WebSocket;
      }
      if (webSocketProxy) {
        const proxy = webSocketProxy.replace(/\/+$/, '');
        this.neonConfig.wsProxy = (host, port) => `${proxy}?address=${host}:${port}`;
        this.neonConfig.useSecureWebSocket = false;
        this.neonConfig.pipelineTLS = false;
        this.neonConfig.pipelineConnect = false;
      }
    }
  }

  const pool = new Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 5,
  });
  // The driver's Pool overwrites a `Client` passed in its options (it assigns its own class after
  // the base constructor ran), so the subclass is installed on the instance instead.
  pool.Client = ConfiguredClient;
  if (options.onConnect) pool.on('connect', options.onConnect);
  let closing: Promise<void> | undefined;
  pool.on('error', (error: Error) => {
    // Sockets torn down by close() itself report errors too (workerd: "WebSocket peer
    // disconnected"); those are expected and not passed on.
    if (!closing) options.onConnectionError?.(error);
  });

  const close = () => {
    closing ??= pool.end().catch(() => {
      // Ending a pool whose sockets are already gone is not a failure worth surfacing.
    });
    return closing;
  };

  const { onQuery } = options;
  const db = drizzle({
    client: pool,
    schema,
    ...(onQuery ? { logger: { logQuery: (query: string) => onQuery(query) } } : {}),
  });
  return { db, close };
}

/**
 * Runs `work` with a fresh database client and closes the client afterwards, whether `work`
 * resolved or threw. The result or the error of `work` is passed through unchanged.
 */
export async function withDatabase<T>(
  options: DatabaseClientOptions,
  work: (db: Database) => Promise<T>,
): Promise<T> {
  const client = createDatabaseClient(options);
  try {
    return await work(client.db);
  } finally {
    await client.close();
  }
}

/**
 * The Drizzle instance on Neon's SQL-over-HTTP transport (`drizzle-orm/neon-http`), typed with the
 * whole schema. No interactive `transaction()` (it throws): use `batch([...])`, one HTTP request
 * run as one transaction, or a single statement (a data-modifying CTE) for dependent writes.
 */
export type HttpDatabase = NeonHttpDatabase<typeof schema>;

export interface HttpDatabaseClientOptions {
  /** `postgres://user:password@host:port/database`, as Neon or a local server gives it. */
  connectionString: string;
  /**
   * URL of a SQL-over-HTTP endpoint in front of a plain Postgres (`DatabaseBridge.httpEndpoint`,
   * for local development and tests). Leave unset for Neon: the driver then posts to the endpoint
   * it derives from the connection string's host.
   */
  httpEndpoint?: string;
  /** Called with the SQL text of every statement Drizzle sends. */
  onQuery?: (sql: string) => void;
  /** Called once per HTTP request the driver makes: a statement, or a whole `batch([...])`. */
  onHttpRequest?: () => void;
}

export interface HttpDatabaseClient {
  /** Nothing to close: each statement or batch is one stateless HTTP request. */
  db: HttpDatabase;
}

/**
 * Builds a Drizzle instance on `neon()`: one HTTP request per statement or per `db.batch([...])`,
 * no connection set-up. Without `httpEndpoint` and `onHttpRequest` the driver is used as shipped.
 * With either, this client's requests are routed through a fetch function the driver holds
 * globally (see `routeNeonFetch`); other clients in the isolate are not affected.
 *
 * Note: constructing it makes the driver's global type parsers return timestamp, date and interval
 * values as text (`drizzle-orm/neon-http` does this; Drizzle maps them itself).
 */
export function createHttpDatabaseClient(options: HttpDatabaseClientOptions): HttpDatabaseClient {
  const { httpEndpoint, onHttpRequest, onQuery } = options;
  const routed = httpEndpoint !== undefined || onHttpRequest !== undefined;
  const client = neon(
    options.connectionString,
    routed
      ? {
          fetchOptions: routeNeonFetch({
            ...(httpEndpoint !== undefined ? { endpoint: httpEndpoint } : {}),
            ...(onHttpRequest ? { onRequest: onHttpRequest } : {}),
          }),
        }
      : {},
  );
  const db = drizzleHttp({
    client,
    schema,
    ...(onQuery ? { logger: { logQuery: (query: string) => onQuery(query) } } : {}),
  });
  return { db };
}
