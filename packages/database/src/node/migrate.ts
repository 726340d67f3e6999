import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { type MigrationMeta, readMigrationFiles } from 'drizzle-orm/migrator';
import ws from 'ws';
import { createDatabaseClient, type DatabaseClient, type WebSocketConstructor } from '../client';
import { concurrentIndexName, splitMigration, withoutConcurrently } from './migration-steps';

/** Absolute path of the committed drizzle-kit migrations. */
export const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

// Arbitrary but fixed: every migrator of this schema takes the same advisory lock.
const MIGRATION_LOCK_ID = 7_240_315_001;

// A migration that cannot take its lock this fast gives up (the deploy fails and is run again)
// rather than wait in the lock queue, where every access check would queue behind it.
const DEFAULT_LOCK_TIMEOUT_MS = 3_000;

export interface MigrateDatabaseOptions {
  connectionString: string;
  /** See `DatabaseClientOptions.webSocketProxy`; needed for a plain Postgres server. */
  webSocketProxy?: string;
  webSocketConstructor?: WebSocketConstructor;
  /** Default: the committed migrations. */
  migrationsFolder?: string;
  /** Postgres `lock_timeout` of every migration statement. Default 3 s. */
  lockTimeoutMs?: number;
}

/**
 * Applies every committed migration that the database has not seen, through the production
 * driver, in the same way for tests, local development and production. Idempotent: a second run
 * applies nothing. Concurrent runs are serialised by a Postgres advisory lock, so two deploys
 * cannot apply the same migration twice.
 *
 * Which migrations are new is decided as drizzle's own migrator does (`drizzle.__drizzle_migrations`,
 * by creation time), so databases migrated before keep working. Each migration runs on its own:
 * its statements before `-- codex:outside-transaction` in one transaction (rolled back if one
 * fails), the ones after it (`CONCURRENTLY` index builds and drops, which never block the hot
 * path's reads and writes) one at a time after that transaction committed. Every statement runs
 * under `lock_timeout`. Throws if a statement fails; the next run completes what is left.
 */
export async function migrateDatabase(options: MigrateDatabaseOptions): Promise<void> {
  // One connection, so the session-level advisory lock covers every statement the migrator runs.
  const client = createDatabaseClient({
    connectionString: options.connectionString,
    webSocketConstructor: options.webSocketConstructor ?? (ws as unknown as WebSocketConstructor),
    maxConnections: 1,
    ...(options.webSocketProxy ? { webSocketProxy: options.webSocketProxy } : {}),
  });
  const lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  try {
    await client.db.execute(sql`SELECT pg_advisory_lock(${MIGRATION_LOCK_ID})`);
    try {
      await client.db.execute(
        sql.raw(`SET lock_timeout = ${Math.max(1, Math.round(lockTimeoutMs))}`),
      );
      const migrations = readMigrationFiles({
        migrationsFolder: options.migrationsFolder ?? migrationsFolder,
      });
      for (const migration of await pendingMigrations(client, migrations)) {
        await applyMigration(client, migration);
      }
    } finally {
      await client.db.execute(sql`RESET lock_timeout`);
      await client.db.execute(sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK_ID})`);
    }
  } finally {
    await client.close();
  }
}

/** The migrations newer than the last one recorded, as drizzle decides it. */
async function pendingMigrations(
  client: DatabaseClient,
  migrations: MigrationMeta[],
): Promise<MigrationMeta[]> {
  await client.db.execute(sql`CREATE SCHEMA IF NOT EXISTS drizzle`);
  await client.db.execute(sql`
    CREATE TABLE IF NOT EXISTS drizzle.__drizzle_migrations (
      id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint
    )`);
  // A migration whose transaction committed but whose statements after it have not all run yet.
  await client.db.execute(sql`
    CREATE TABLE IF NOT EXISTS drizzle.__codex_transactions_committed (
      hash text PRIMARY KEY, committed_at timestamptz NOT NULL DEFAULT now()
    )`);
  const { rows } = await client.db.execute<{ created_at: string | number }>(
    sql`SELECT created_at FROM drizzle.__drizzle_migrations ORDER BY created_at DESC LIMIT 1`,
  );
  const last = rows[0] ? Number(rows[0].created_at) : undefined;
  return migrations.filter((migration) => last === undefined || last < migration.folderMillis);
}

async function applyMigration(client: DatabaseClient, migration: MigrationMeta): Promise<void> {
  const { inTransaction, outsideTransaction } = splitMigration(migration.sql);
  const record = sql`
    INSERT INTO drizzle.__drizzle_migrations (hash, created_at)
    VALUES (${migration.hash}, ${migration.folderMillis})`;
  if (outsideTransaction.length === 0) {
    await client.db.transaction(async (tx) => {
      for (const statement of inTransaction) await tx.execute(sql.raw(statement));
      await tx.execute(record);
    });
    return;
  }
  const { rows } = await client.db.execute(
    sql`SELECT 1 FROM drizzle.__codex_transactions_committed WHERE hash = ${migration.hash}`,
  );
  if (rows.length === 0 && inTransaction.length > 0) {
    await client.db.transaction(async (tx) => {
      for (const statement of inTransaction) await tx.execute(sql.raw(statement));
      await tx.execute(
        sql`INSERT INTO drizzle.__codex_transactions_committed (hash) VALUES (${migration.hash})`,
      );
    });
  }
  const embedded = await isEmbedded(client);
  for (const statement of outsideTransaction) {
    await dropInvalidLeftover(client, statement);
    await client.db.execute(sql.raw(embedded ? withoutConcurrently(statement) : statement));
  }
  await client.db.transaction(async (tx) => {
    await tx.execute(record);
    await tx.execute(
      sql`DELETE FROM drizzle.__codex_transactions_committed WHERE hash = ${migration.hash}`,
    );
  });
}

/** A concurrent build that failed halfway left an invalid index, which `IF NOT EXISTS` would keep. */
async function dropInvalidLeftover(client: DatabaseClient, statement: string): Promise<void> {
  const name = concurrentIndexName(statement);
  if (!name) return;
  const { rows } = await client.db.execute(sql`
    SELECT 1 FROM pg_index JOIN pg_class ON pg_class.oid = pg_index.indexrelid
    WHERE pg_class.relname = ${name} AND NOT pg_index.indisvalid`);
  if (rows.length > 0) {
    await client.db.execute(sql.raw(`DROP INDEX CONCURRENTLY IF EXISTS "${name}"`));
  }
}

/**
 * PGlite (the embedded fallback of tests and `pnpm dev`) has one user, so there is nothing to
 * build concurrently with, and its `CONCURRENTLY` builds are known to fail
 * (electric-sql/pglite#901): there the index is built plainly.
 */
async function isEmbedded(client: DatabaseClient): Promise<boolean> {
  const { rows } = await client.db.execute<{ version: string }>(sql`SELECT version() AS version`);
  return String(rows[0]?.version ?? '').includes('PGlite');
}
