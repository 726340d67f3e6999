import type Stripe from 'stripe';
import type { FulfillmentContext } from './context';

/**
 * The Stripe client, for a step that cannot be decided without asking Stripe. Throws a plain
 * error (an infrastructure failure: the webhook answers 5xx and Stripe redelivers once the key is
 * configured) when none is configured.
 */
export function requireStripe(ctx: Pick<FulfillmentContext, 'stripe'>): Stripe {
  if (!ctx.stripe) throw new Error('fulfillment: STRIPE_SECRET_KEY is required to read Stripe');
  return ctx.stripe;
}
