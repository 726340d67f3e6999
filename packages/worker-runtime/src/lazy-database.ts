import {
  createDatabaseClient,
  createHttpDatabaseClient,
  type Database,
  type DatabaseClient,
  type HttpDatabase,
} from '@codex/database';
import type { ObservabilityClient } from '@codex/observability';

/** The bindings a database client is built from. */
export interface DatabaseConfig {
  /** `postgres://…` (Neon in production). */
  DATABASE_URL: string;
  /** `host:port/path` of a WebSocket-to-TCP bridge in front of a plain Postgres; unset for Neon. */
  DATABASE_WS_PROXY?: string | undefined;
  /** The bridge's SQL-over-HTTP endpoint in front of a plain Postgres; unset for Neon's own. */
  DATABASE_HTTP_ENDPOINT?: string | undefined;
}

/** Options for {@link lazyDatabase}. */
export interface LazyDatabaseOptions {
  config: DatabaseConfig;
  /** Errors of idle connections are logged here at `warn` (without them they would crash the isolate). */
  logger: Pick<ObservabilityClient, 'warn'>;
}

/** The database of one invocation (a request or a scheduled run), opened on first use. */
export interface LazyDatabase {
  /** The Drizzle instance. The first call creates the pool; no socket opens before a query. */
  db: () => Database;
  /**
   * Drizzle on SQL over HTTP: one request per statement or batch, no connection, nothing to
   * close. For the hot single statements; `db()` for interactive transactions.
   */
  http: () => HttpDatabase;
  /** Whether `db()` has been called (so there is a pool to close). */
  isOpen: () => boolean;
  /** Ends the pool if one was created. Never rejects; safe to call more than once. */
  close: () => Promise<void>;
}

/**
 * A database for one Workers invocation. In workerd a socket cannot outlive the invocation that
 * opened it, so the caller must `close()` before the invocation ends: after the response in
 * `waitUntil` (see `requestDatabase`), or at the end of a scheduled run's `waitUntil` work.
 */
export function lazyDatabase(options: LazyDatabaseOptions): LazyDatabase {
  const { config, logger } = options;
  let client: DatabaseClient | undefined;
  let http: HttpDatabase | undefined;
  return {
    http: () => {
      http ??= createHttpDatabaseClient({
        connectionString: config.DATABASE_URL,
        ...(config.DATABASE_HTTP_ENDPOINT ? { httpEndpoint: config.DATABASE_HTTP_ENDPOINT } : {}),
      }).db;
      return http;
    },
    db: () => {
      client ??= createDatabaseClient({
        connectionString: config.DATABASE_URL,
        ...(config.DATABASE_WS_PROXY ? { webSocketProxy: config.DATABASE_WS_PROXY } : {}),
        onConnectionError: (error) =>
          logger.warn('database connection error', { message: error.message }),
      });
      return client.db;
    },
    isOpen: () => client !== undefined,
    close: async () => {
      await client?.close();
    },
  };
}
