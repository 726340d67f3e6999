import { contentPurchases, eq } from '@codex/database';
import Stripe from 'stripe';
import type { FulfillmentContext } from './context';
import { requireStripe } from './require-stripe';
import { isUuid } from './stripe-events';

/** The purchase a charge, refund or dispute belongs to, and the payment intent that names it. */
export interface MoneyTarget {
  purchaseId: string;
  paymentIntentId: string;
  /**
   * What the payment charged (the payment intent's `amount`), read from Stripe when the purchase is
   * not completed: before its completion records what was charged, or when it never will (a payment
   * flagged for review, or given up on), refunds are measured against this rather than the price.
   */
  chargedCents?: number;
}

/**
 * Which purchase a payment intent paid for: the purchase linked to it; else the purchase id that
 * checkout put in its metadata (`payment_intent_data.metadata`), read from Stripe, which covers
 * refunds and disputes delivered before the completion that links the two; for a purchase not
 * completed, with what the payment charged (one Stripe read). Undefined for money that is not
 * ours. Called before any transaction, so no transaction waits on Stripe. Throws when Stripe
 * cannot answer (the caller answers 5xx and Stripe redelivers).
 */
export async function findMoneyPurchase(
  ctx: FulfillmentContext,
  paymentIntentId: string | undefined,
): Promise<MoneyTarget | undefined> {
  if (!paymentIntentId) return undefined;
  const [linked] = await ctx.db
    .select({ id: contentPurchases.id, status: contentPurchases.status })
    .from(contentPurchases)
    .where(eq(contentPurchases.stripePaymentIntentId, paymentIntentId))
    .limit(1);
  if (linked?.status === 'completed') return { purchaseId: linked.id, paymentIntentId };

  const intent = await retrievePaymentIntent(ctx, paymentIntentId);
  if (linked) {
    return {
      purchaseId: linked.id,
      paymentIntentId,
      ...(intent && { chargedCents: intent.amount }),
    };
  }
  if (!intent) return undefined;
  const claimedId = intent.metadata?.purchaseId;
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
  return { purchaseId: claimed.id, paymentIntentId, chargedCents: intent.amount };
}

/** The payment intent, or undefined when it is not ours (another account's, or deleted). */
async function retrievePaymentIntent(
  ctx: FulfillmentContext,
  paymentIntentId: string,
): Promise<Stripe.PaymentIntent | undefined> {
  try {
    return await requireStripe(ctx).paymentIntents.retrieve(paymentIntentId);
  } catch (error) {
    // Anything but "no such object" is retried by Stripe.
    if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404) {
      return undefined;
    }
    throw error;
  }
}
