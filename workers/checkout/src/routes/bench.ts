import { sql } from '@codex/database';
import { AccessService } from '@codex/purchases';
import { ApiError, parseWith } from '@codex/security';
import type { Environment } from '@codex/worker-runtime';
import { Hono } from 'hono';
import type { CheckoutEnv } from '../context';
import { contentAccessParamsSchema } from './access/check-access';

/**
 * Where the bench route exists. An allowlist, so an environment added later (or a deployment that
 * names none) never serves it by default.
 */
const BENCH_ENVIRONMENTS: ReadonlySet<Environment> = new Set(['development', 'test']);

/**
 * `GET /api/bench/floor`: the floor the access check is measured against by `pnpm bench`: the same
 * middleware (auth, per-request database) and `SELECT 1` over the same SQL-over-HTTP transport.
 * `GET /api/bench/access-over-websocket/:contentId`: the access check on the WebSocket pool it used
 * before, for the bench's before/after line. Served only
 * when ENVIRONMENT is `development` or `test`; 404 everywhere else.
 */
export const benchRoutes = new Hono<CheckoutEnv>()
  .use(async (c, next) => {
    if (!BENCH_ENVIRONMENTS.has(c.var.config.ENVIRONMENT)) {
      throw new ApiError('NOT_FOUND', 'Not found');
    }
    await next();
  })
  .get('/floor', async (c) => {
    // The physical minimum of a request: auth, then one statement in one HTTP round trip.
    await c.var.httpDatabase().execute(sql`SELECT 1`);
    return c.json({ ok: true }, 200);
  })
  // The access check on the previous transport (a per-request WebSocket pool), for comparison.
  .get('/access-over-websocket/:contentId', async (c) => {
    const { contentId } = parseWith(contentAccessParamsSchema, c.req.param());
    const hasAccess = await new AccessService({ db: c.var.database() }).hasAccess(
      c.var.customerId,
      contentId,
    );
    return c.json({ hasAccess }, 200);
  });
