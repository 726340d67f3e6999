import { parseWith } from '@codex/security';
import { contentAccessParamsSchema } from '@codex/validation';
import { Hono } from 'hono';
import type { CheckoutEnv } from '../context';

/**
 * `GET /api/purchases/access/:contentId`: may the authenticated customer play this content? The
 * hot path: one indexed query, no other round trip.
 */
export const accessRoutes = new Hono<CheckoutEnv>().get('/access/:contentId', async (c) => {
  const { contentId } = parseWith(contentAccessParamsSchema, c.req.param());
  const hasAccess = await c.var.purchases().hasAccess(c.var.customerId, contentId);
  c.header('Cache-Control', 'private, no-store');
  return c.json({ hasAccess }, 200);
});
