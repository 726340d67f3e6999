import { ApiError } from '@codex/security';
import { Hono } from 'hono';
import type { WebhookEnv } from '../../context';
import { verifyStripeSignature } from '../payment-webhook/verify-stripe-signature';

/**
 * `POST /webhooks/stripe/connect`: the Connect endpoint's events (they carry `account`: the
 * connected account they happened on), signed with its own secret
 * (`STRIPE_WEBHOOK_SECRET_CONNECT`). `account.updated` and `capability.updated` re-read the account
 * from Stripe and, once it can receive transfers, settle up to five of its organization's waiting
 * sales (`PayoutService.handleConnectEvent`; the cron settles the rest). Every other type, and
 * accounts that are not ours, are acknowledged with 200 and nothing done. Handling is idempotent
 * (it stores what Stripe says now), so duplicates and any order end the same; a Stripe or
 * database failure answers 500 and Stripe delivers the event again. Without the secret configured
 * every request answers 503.
 */
export const connectWebhookRoutes = new Hono<WebhookEnv>().post(
  '/connect',
  verifyStripeSignature({
    secret: (c) => {
      const secret = c.var.config.STRIPE_WEBHOOK_SECRET_CONNECT;
      if (!secret) {
        throw new ApiError(
          'PAYMENT_PROVIDER_NOT_CONFIGURED',
          'The Connect webhook endpoint is not configured',
        );
      }
      return secret;
    },
  }),
  async (c) => {
    let event: unknown;
    try {
      event = JSON.parse(new TextDecoder().decode(c.var.stripePayload));
    } catch {
      event = undefined;
    }
    const outcome = await c.var.payouts().handleConnectEvent(event);
    c.header('Cache-Control', 'no-store');
    return c.json({ received: true as const, outcome: outcome.status }, 200);
  },
);
