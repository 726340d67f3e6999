import { sql } from '@codex/database';
import { ApiError } from '@codex/security';
import type { Environment } from '@codex/worker-runtime';
import { Hono } from 'hono';
import type { CheckoutEnv } from '../context';

/**
 * Where the bench route exists. An allowlist, so an environment added later (or a deployment that
 * names none) never serves it by default.
 */
const BENCH_ENVIRONMENTS: ReadonlySet<Environment> = new Set(['development', 'test']);

/**
 * `GET /api/bench/floor`: the floor the access check is measured against by `pnpm bench`: the same
 * middleware (auth, per-request database) and `SELECT 1` over the same SQL-over-HTTP transport. Served only
 * when ENVIRONMENT is `development` or `test`; 404 everywhere else.
 */
export const benchRoutes = new Hono<CheckoutEnv>().get('/floor', async (c) => {
  if (!BENCH_ENVIRONMENTS.has(c.var.config.ENVIRONMENT)) {
    throw new ApiError('NOT_FOUND', 'Not found');
  }
  // The physical minimum of a request: auth, then one statement in one HTTP round trip.
  await c.var.httpDatabase().execute(sql`SELECT 1`);
  return c.json({ ok: true }, 200);
});
