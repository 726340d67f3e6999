import { createDatabaseClient, type DatabaseClient } from '@codex/database';
import type { ObservabilityClient } from '@codex/observability';
import type { ReconciliationConfig } from './env';

/**
 * A database client for one request or one scheduled run. Nothing connects until the first query;
 * the caller must `close()` it before the invocation ends (workerd cannot carry a socket over).
 */
export function openDatabase(
  config: Pick<ReconciliationConfig, 'DATABASE_URL' | 'DATABASE_WS_PROXY'>,
  logger: ObservabilityClient,
): DatabaseClient {
  return createDatabaseClient({
    connectionString: config.DATABASE_URL,
    ...(config.DATABASE_WS_PROXY ? { webSocketProxy: config.DATABASE_WS_PROXY } : {}),
    onConnectionError: (error) =>
      logger.warn('database connection error', { message: error.message }),
  });
}
