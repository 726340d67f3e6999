import { sql } from '@codex/database';
import { ApiError } from '@codex/security';
import { Hono } from 'hono';
import type { CheckoutEnv } from '../context';

/**
 * `GET /api/bench/floor`: the floor the access check is measured against by `pnpm bench`: the same
 * middleware (auth, per-request pool) and one trivial query through the same driver. Not served in
 * production.
 */
export const benchRoutes = new Hono<CheckoutEnv>().get('/floor', async (c) => {
  if (c.var.config.ENVIRONMENT === 'production') throw new ApiError('NOT_FOUND', 'Not found');
  await c.var.database().execute(sql`SELECT 1`);
  return c.json({ ok: true }, 200);
});
