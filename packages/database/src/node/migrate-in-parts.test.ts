import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, nodeWebSocket, type TestDatabase } from '@codex/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from '../index';
import { migrateDatabase } from './migrate';
import { OUTSIDE_TRANSACTION_MARKER } from './migration-steps';

let database: TestDatabase;
let folder: string;

beforeEach(async () => {
  database = await createTestDatabase({ migrate: false });
  folder = await mkdtemp(join(tmpdir(), 'codex-migrations-'));
});

afterEach(async () => {
  await database?.close();
  await rm(folder, { recursive: true, force: true });
});

/** Writes a drizzle-kit migrations folder holding these migrations, in order. */
async function writeMigrations(...migrations: string[][]): Promise<void> {
  await mkdir(join(folder, 'meta'), { recursive: true });
  const entries = migrations.map((_, idx) => ({
    idx,
    version: '7',
    when: 1_700_000_000_000 + idx,
    tag: `000${idx}_m`,
    breakpoints: true,
  }));
  await writeFile(
    join(folder, 'meta/_journal.json'),
    JSON.stringify({ version: '7', dialect: 'postgresql', entries }),
  );
  for (const [idx, statements] of migrations.entries()) {
    await writeFile(join(folder, `000${idx}_m.sql`), statements.join('--> statement-breakpoint\n'));
  }
}

function migrate(lockTimeoutMs?: number) {
  return migrateDatabase({
    connectionString: database.connectionString,
    webSocketConstructor: nodeWebSocket,
    migrationsFolder: folder,
    ...(database.webSocketProxy ? { webSocketProxy: database.webSocketProxy } : {}),
    ...(lockTimeoutMs ? { lockTimeoutMs } : {}),
  });
}

/** The Postgres error code a failed migration run ended with (drizzle keeps it as the cause). */
async function failureCode(run: Promise<void>): Promise<string | undefined> {
  const error = await run.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  const cause = (error as { cause?: { code?: string } } | undefined)?.cause;
  return cause?.code ?? (error as { code?: string } | undefined)?.code ?? String(error);
}

async function count(query: ReturnType<typeof sql>): Promise<number> {
  const { rows } = await database.db.execute<{ n: number }>(query);
  return Number(rows[0]?.n);
}

describe('migrateDatabase, a migration in two parts', () => {
  it('a concurrent build that failed is completed by the next run, without its transaction again', async () => {
    await writeMigrations([
      'CREATE TABLE "t" ("id" integer PRIMARY KEY, "k" integer);',
      `INSERT INTO "t" VALUES (1, 1), (2, 1);\n${OUTSIDE_TRANSACTION_MARKER}\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "t_k_unique" ON "t" ("k");`,
    ]);
    expect(await failureCode(migrate())).toBe('23505'); // unique_violation
    // The transaction committed (the table and its rows are there); the build left an invalid index.
    expect(await count(sql`SELECT count(*)::int AS n FROM t`)).toBe(2);
    const invalid = sql`SELECT count(*)::int AS n FROM pg_index
      JOIN pg_class ON pg_class.oid = indexrelid WHERE relname = 't_k_unique' AND NOT indisvalid`;
    const valid = sql`SELECT count(*)::int AS n FROM pg_index
      JOIN pg_class ON pg_class.oid = indexrelid WHERE relname = 't_k_unique' AND indisvalid`;
    const embedded = database.mode === 'embedded';
    if (!embedded) expect(await count(invalid)).toBe(1);

    await database.db.execute(sql`DELETE FROM t WHERE id = 2`);
    await migrate(); // would fail with "relation t already exists" if the transaction ran again
    expect(await count(valid)).toBe(1);
    expect(await count(invalid)).toBe(0);
    expect(await count(sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`)).toBe(1);
    await migrate();
    expect(await count(sql`SELECT count(*)::int AS n FROM t`)).toBe(1);
  });

  it('runs every statement under lock_timeout', async () => {
    await writeMigrations([
      'CREATE TABLE "seen" AS SELECT current_setting(\'lock_timeout\') AS "lock_timeout";',
    ]);
    await migrate(300);
    const { rows } = await database.db.execute<{ lock_timeout: string }>(sql`SELECT * FROM seen`);
    expect(rows[0]?.lock_timeout).toBe('300ms');
  });

  it('gives up on a lock it cannot take within lock_timeout instead of queueing the hot path behind it', async () => {
    // Needs a second session holding a lock: the embedded database serialises its sessions (the
    // setting itself is proven above in both modes).
    if (database.mode === 'embedded') return;
    await writeMigrations(['CREATE TABLE "t" ("id" integer PRIMARY KEY);']);
    await migrate();
    await writeMigrations(
      ['CREATE TABLE "t" ("id" integer PRIMARY KEY);'],
      ['ALTER TABLE "t" ADD COLUMN "note" text;'],
    );
    // A long read holds the table: ADD COLUMN needs ACCESS EXCLUSIVE and must not wait for it.
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`LOCK TABLE t IN ACCESS SHARE MODE`);
      const started = Date.now();
      expect(await failureCode(migrate(300))).toBe('55P03'); // lock_not_available
      expect(Date.now() - started).toBeLessThan(5_000);
    });
    await migrate(300);
    expect(
      await count(
        sql`SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 't' AND column_name = 'note'`,
      ),
    ).toBe(1);
  });
});
