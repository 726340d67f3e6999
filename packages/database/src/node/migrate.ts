import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { migrate } from 'drizzle-orm/neon-serverless/migrator';
import ws from 'ws';
import { createDatabaseClient, type WebSocketConstructor } from '../client';

/** Absolute path of the committed drizzle-kit migrations. */
export const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

// Arbitrary but fixed: every migrator of this schema takes the same advisory lock.
const MIGRATION_LOCK_ID = 7_240_315_001;

export interface MigrateDatabaseOptions {
  connectionString: string;
  /** See `DatabaseClientOptions.webSocketProxy`; needed for a plain Postgres server. */
  webSocketProxy?: string;
  webSocketConstructor?: WebSocketConstructor;
}

/**
 * Applies every committed migration that the database has not seen, through the production
 * driver, in the same way for tests, local development and production. Idempotent: a second run
 * applies nothing. Concurrent runs are serialised by a Postgres advisory lock, so two deploys
 * cannot apply the same migration twice. Throws if a migration fails (its transaction is rolled
 * back).
 */
export async function migrateDatabase(options: MigrateDatabaseOptions): Promise<void> {
  // One connection, so the session-level advisory lock covers every statement the migrator runs.
  const client = createDatabaseClient({
    connectionString: options.connectionString,
    webSocketConstructor: options.webSocketConstructor ?? (ws as unknown as WebSocketConstructor),
    maxConnections: 1,
    ...(options.webSocketProxy ? { webSocketProxy: options.webSocketProxy } : {}),
  });
  try {
    await client.db.execute(sql`SELECT pg_advisory_lock(${MIGRATION_LOCK_ID})`);
    try {
      await migrate(client.db, { migrationsFolder });
    } finally {
      await client.db.execute(sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK_ID})`);
    }
  } finally {
    await client.close();
  }
}
