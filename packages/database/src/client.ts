import { Client, Pool } from '@neondatabase/serverless';
import { drizzle, type NeonDatabase } from 'drizzle-orm/neon-serverless';
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
