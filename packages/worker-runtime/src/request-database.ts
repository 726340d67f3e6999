import type { Database, HttpDatabase } from '@codex/database';
import type { ObservabilityClient } from '@codex/observability';
import type { MiddlewareHandler } from 'hono';
import { type DatabaseConfig, lazyDatabase } from './lazy-database';

/** What {@link requestDatabase} reads from and puts on the context. */
export interface RequestDatabaseEnv {
  Variables: {
    config: DatabaseConfig;
    logger: ObservabilityClient;
    /** The request's database, opened on first call; closed when the request ends. */
    database: () => Database;
    /** The request's SQL-over-HTTP client, for the hot single statements (no connection). */
    httpDatabase: () => HttpDatabase;
  };
}

/**
 * Puts `database()` on the context: this request's database, opened on first use (a request
 * refused before that, e.g. on auth or a signature, never connects). The pool lives for this
 * request only: it is closed after the response, in `waitUntil` when the runtime gives an execution
 * context, and before answering when there is none (a plain `app.request()`), also when a handler
 * throws. Runs after `requireConfig()` (it reads `DATABASE_URL` and `DATABASE_WS_PROXY` from
 * `c.var.config`).
 */
export const requestDatabase = (): MiddlewareHandler<RequestDatabaseEnv> =>
  async function requestDatabase(c, next) {
    const database = lazyDatabase({ config: c.var.config, logger: c.var.logger });
    c.set('database', database.db);
    c.set('httpDatabase', database.http);
    try {
      await next();
    } finally {
      if (database.isOpen()) {
        const closing = database.close();
        let executionCtx: { waitUntil: (promise: Promise<unknown>) => void } | undefined;
        try {
          executionCtx = c.executionCtx;
        } catch {
          // Hono throws when the request came without an execution context.
        }
        if (executionCtx) executionCtx.waitUntil(closing);
        else await closing;
      }
    }
  };
