import { ApiError, parseWith, rateLimit, readJsonBody } from '@codex/security';
import { checkoutSessionParamsSchema, createCheckoutSchema } from '@codex/validation';
import { Hono } from 'hono';
import type { CheckoutEnv } from '../context';
import { fallbackRateLimiter } from '../rate-limiter';

const CHECKOUT_RATE_LIMIT = { limit: 10, periodSeconds: 60 } as const;

/**
 * `POST /api/checkout`: start or resume the purchase of one content item.
 * `GET /api/checkout/sessions/:sessionId`: the success page's confirmation (runs fulfillment).
 */
export const checkoutRoutes = new Hono<CheckoutEnv>()
  .post(
    '/',
    rateLimit({
      limiter: (c) => c.env.CHECKOUT_RATE_LIMITER ?? fallbackRateLimiter(CHECKOUT_RATE_LIMIT),
      key: (c) => `checkout:customer:${c.var.customerId}`,
      periodSeconds: CHECKOUT_RATE_LIMIT.periodSeconds,
    }),
    async (c) => {
      const { contentId } = parseWith(createCheckoutSchema, await readJsonBody(c));
      const result = await c.var.purchases().createCheckoutSession(c.var.customerId, contentId);
      c.header('Cache-Control', 'no-store');
      if (result.status === 'checkout_created') {
        return c.json({ data: result }, 201);
      }
      return c.json({ data: result }, 200);
    },
  )
  .get('/sessions/:sessionId', async (c) => {
    const { sessionId } = parseWith(checkoutSessionParamsSchema, c.req.param());
    const answer = await c.var.fulfillment().confirmCheckoutSession(c.var.customerId, sessionId);
    // Another customer's session, or none: the same 404, so ids cannot be probed.
    if (!answer) throw new ApiError('NOT_FOUND', 'Checkout session not found');
    c.header('Cache-Control', 'no-store');
    return c.json({ data: answer }, 200);
  });
