import type { FulfillmentResult } from '@codex/purchases';
import { queueOutboxMessagesOf } from '@codex/purchases';
import { Hono } from 'hono';
import type { WebhookEnv } from '../../context';
import { verifyStripeSignature } from './verify-stripe-signature';

/**
 * `POST /webhooks/stripe/payment`: Checkout Session events from Stripe. A verified body is handled
 * exactly once (`FulfillmentService.handleStripePayload`) and acknowledged with 200, duplicates,
 * types we do not handle and bodies kept for replay (whatever bytes they hold) included, so Stripe
 * stops sending it. A failure while handling it throws
 * (500 through the error handler) with nothing committed, so Stripe redelivers it. After a
 * completion or a revocation has committed, the purchase's new e-mail outbox rows are sent to the
 * e-mail queue after the response (`waitUntil`); a failure there is logged and left to the cron.
 */
export const paymentWebhookRoutes = new Hono<WebhookEnv>().post(
  '/payment',
  verifyStripeSignature({ secret: (c) => c.var.config.STRIPE_WEBHOOK_SECRET_PAYMENT }),
  async (c) => {
    const outcome = await c.var.fulfillment().handleStripePayload(c.var.stripePayload);
    if (outcome.status === 'processed' && mayHaveWrittenEmail(outcome.result)) {
      c.executionCtx.waitUntil(
        queueOutboxMessagesOf({
          queue: c.env.EMAIL_QUEUE,
          db: c.var.httpDatabase(),
          purchaseId: outcome.result.purchaseId,
          logger: c.var.logger,
        }),
      );
    }
    if (outcome.status === 'processed' && mayChangePayout(outcome.result)) {
      // The sale's payout follows its money: transferred once paid, reversed after a refund or a
      // lost dispute. After the response; a failure is logged and the cron settles it.
      const payouts = c.var.payouts();
      const purchaseId = outcome.result.purchaseId;
      c.executionCtx.waitUntil(
        payouts.settleSale(purchaseId).catch((error: unknown) => {
          c.var.logger.trackError(error, { operation: 'settle sale payout', purchaseId });
        }),
      );
    }
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

/**
 * The results after which a sale's payout may have a step to take: a completion (a first or a
 * repeated one: the success page may have completed it first), any money change.
 */
function mayChangePayout(
  result: FulfillmentResult,
): result is Extract<
  FulfillmentResult,
  { status: 'completed' | 'already_completed' | 'payment_event_recorded' }
> {
  return (
    result.status === 'completed' ||
    result.status === 'already_completed' ||
    result.status === 'payment_event_recorded'
  );
}

/**
 * The results whose transaction may have written an outbox row: a completion (confirmation), any
 * money change (a revocation; `access` may read `unchanged` when a lost dispute ends access an
 * open one had suspended). One indexed query after the response, for these events only.
 */
function mayHaveWrittenEmail(
  result: FulfillmentResult,
): result is Extract<FulfillmentResult, { status: 'completed' | 'payment_event_recorded' }> {
  return result.status === 'completed' || result.status === 'payment_event_recorded';
}
