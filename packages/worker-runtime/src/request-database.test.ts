import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { type Database, sql } from '@codex/database';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWorkerApp, type WorkerEnv } from './create-worker-app';
import { lazyDatabase } from './lazy-database';
import { requestDatabase } from './request-database';
import { requireConfig } from './require-config';
import { captureConsole, workerTestEnv } from './testing';
import { type WorkerConfig, workerConfigSchema } from './worker-config-schema';

const UNREACHABLE_DATABASE = 'postgres://postgres@127.0.0.1:1/nowhere';

/** Databases handed out by `database()` during the test, to look at after the response. */
let handedOut: Database[] = [];

function appWith() {
  const app = createWorkerApp<WorkerEnv<WorkerConfig>>({ service: 'worker-runtime-test' });
  app.use('*', requireConfig({ schema: workerConfigSchema }));
  app.use('*', requestDatabase());
  app.get('/no-database', (c) => c.json({ ok: true }));
  app.get('/query', async (c) => {
    const db = c.var.database();
    handedOut.push(db);
    // The same pool for the whole request.
    expect(c.var.database()).toBe(db);
    const result = await db.execute(sql`SELECT 1 AS one`);
    return c.json({ rows: result.rows });
  });
  app.get('/query-then-fail', async (c) => {
    const db = c.var.database();
    handedOut.push(db);
    await db.execute(sql`SELECT 1`);
    throw new Error('handler failed after using the database');
  });
  return app;
}

/** True once the pool behind `db` has been ended: it refuses every further query. */
async function isClosed(db: Database): Promise<boolean> {
  return db.execute(sql`SELECT 1`).then(
    () => false,
    // Drizzle wraps the driver's error; the pool's own refusal is its cause.
    (error: unknown) =>
      error instanceof Error && String(error.cause).includes('after calling end on the pool'),
  );
}

/** A real execution context whose `waitUntil` calls are recorded. */
function recordingContext() {
  const ctx = createExecutionContext();
  const waitUntil = vi.spyOn(ctx, 'waitUntil');
  return { ctx, waitUntil };
}

afterEach(() => {
  handedOut = [];
  vi.restoreAllMocks();
});

describe('requestDatabase', () => {
  it('opens nothing for a request that never asks for the database', async () => {
    captureConsole('log');
    const { ctx, waitUntil } = recordingContext();
    const env = { ...workerTestEnv(), DATABASE_URL: UNREACHABLE_DATABASE };

    const response = await appWith().request('/no-database', {}, env, ctx);
    await waitOnExecutionContext(ctx);

    expect(response.status).toBe(200);
    expect(waitUntil).not.toHaveBeenCalled();
  });

  it('closes the pool after the response, in waitUntil, when there is an execution context', async () => {
    captureConsole('log');
    const { ctx, waitUntil } = recordingContext();

    const response = await appWith().request('/query', {}, workerTestEnv(), ctx);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ rows: [{ one: 1 }] });
    expect(waitUntil).toHaveBeenCalledTimes(1);
    await waitOnExecutionContext(ctx);
    const [db] = handedOut;
    expect(db && (await isClosed(db))).toBe(true);
  });

  it('closes the pool before answering when there is no execution context', async () => {
    captureConsole('log');

    const response = await appWith().request('/query', {}, workerTestEnv());

    expect(response.status).toBe(200);
    const [db] = handedOut;
    expect(db && (await isClosed(db))).toBe(true);
  });

  it('closes the pool when the handler throws after using it', async () => {
    captureConsole('log');
    captureConsole('error');
    const { ctx, waitUntil } = recordingContext();

    const response = await appWith().request('/query-then-fail', {}, workerTestEnv(), ctx);
    await waitOnExecutionContext(ctx);

    expect(response.status).toBe(500);
    expect(waitUntil).toHaveBeenCalledTimes(1);
    const [db] = handedOut;
    expect(db && (await isClosed(db))).toBe(true);
  });
});

describe('lazyDatabase', () => {
  it('creates no pool until db() is called, and closing an unopened one is a no-op', async () => {
    const database = lazyDatabase({
      config: { DATABASE_URL: UNREACHABLE_DATABASE },
      logger: { warn: () => undefined },
    });
    expect(database.isOpen()).toBe(false);
    await expect(database.close()).resolves.toBeUndefined();
    expect(database.isOpen()).toBe(false);
  });

  it('gives one pool per invocation and closes it once, however often close() is called', async () => {
    const env = workerTestEnv();
    const database = lazyDatabase({
      config: { DATABASE_URL: env.DATABASE_URL, DATABASE_WS_PROXY: env.DATABASE_WS_PROXY },
      logger: { warn: () => undefined },
    });
    const db = database.db();
    expect(database.db()).toBe(db);
    await db.execute(sql`SELECT 1`);

    await Promise.all([database.close(), database.close()]);

    expect(database.isOpen()).toBe(true);
    expect(await isClosed(db)).toBe(true);
  });
});
