import { contentPurchases, eq } from '@codex/database';
import Stripe from 'stripe';
import type { FulfillmentContext } from './context';
import { requireStripe } from './require-stripe';
import { isUuid } from './stripe-events';

/** The purchase a charge, refund or dispute belongs to, and the payment intent that names it. */
export interface MoneyTarget {
  purchaseId: string;
  paymentIntentId: string;
}

/**
 * Which purchase a payment intent paid for: the purchase linked to it; else the purchase id that
 * checkout put in its metadata (`payment_intent_data.metadata`), read from Stripe, which covers
 * refunds and disputes delivered before the completion that links the two. Undefined for money
 * that is not ours. Called before any transaction, so no transaction waits on Stripe. Throws when
 * Stripe cannot answer (the caller answers 5xx and Stripe redelivers).
 */
export async function findMoneyPurchase(
  ctx: FulfillmentContext,
  paymentIntentId: string | undefined,
): Promise<MoneyTarget | undefined> {
  if (!paymentIntentId) return undefined;
  const [linked] = await ctx.db
    .select({ id: contentPurchases.id })
    .from(contentPurchases)
    .where(eq(contentPurchases.stripePaymentIntentId, paymentIntentId))
    .limit(1);
  if (linked) return { purchaseId: linked.id, paymentIntentId };

  let claimedId: string | undefined;
  try {
    const intent = await requireStripe(ctx).paymentIntents.retrieve(paymentIntentId);
    claimedId = intent.metadata?.purchaseId;
  } catch (error) {
    // Not ours (another account's or a deleted object); anything else is retried by Stripe.
    if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404) {
      return undefined;
    }
    throw error;
  }
  if (!claimedId || !isUuid(claimedId)) return undefined;
  const [claimed] = await ctx.db
    .select({ id: contentPurchases.id, paymentIntentId: contentPurchases.stripePaymentIntentId })
    .from(contentPurchases)
    .where(eq(contentPurchases.id, claimedId))
    .limit(1);
  // A purchase already paid by another payment intent is not this money's purchase.
  if (!claimed || (claimed.paymentIntentId && claimed.paymentIntentId !== paymentIntentId)) {
    return undefined;
  }
  return { purchaseId: claimed.id, paymentIntentId };
}
