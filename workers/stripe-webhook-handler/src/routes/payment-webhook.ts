import { Hono } from 'hono';
import type { WebhookEnv } from '../context';
import { verifyStripeSignature } from '../verify-stripe-signature';

/**
 * `POST /webhooks/stripe/payment`: Checkout Session events from Stripe. A verified event is handled
 * exactly once (`FulfillmentService.handleStripeEvent`) and acknowledged with 200, duplicates and
 * types we do not handle included, so Stripe stops sending it. A failure while handling it throws
 * (500 through the error handler) with nothing committed, so Stripe redelivers it.
 */
export const paymentWebhookRoutes = new Hono<WebhookEnv>().post(
  '/payment',
  verifyStripeSignature({ secret: (c) => c.var.config.STRIPE_WEBHOOK_SECRET_PAYMENT }),
  async (c) => {
    const outcome = await c.var.fulfillment().handleStripeEvent(c.var.stripeEvent);
    c.header('Cache-Control', 'no-store');
    return c.json(
      {
        received: true as const,
        outcome: outcome.status,
        ...(outcome.status === 'processed' ? { result: outcome.result.status } : {}),
      },
      200,
    );
  },
);
