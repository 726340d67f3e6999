import { contentPurchases, eq, type ReviewAction } from '@codex/database';
import Stripe from 'stripe';
import type { FulfillmentContext } from '../fulfillment/context';
import { idOf } from '../fulfillment/stripe-events';
import { PurchaseError } from '../purchase-error';
import { stripeRefusalOf } from '../refunds/create-stripe-refund';
import { REFUSAL_MESSAGES } from '../refunds/refund-refusals';
import { type LockedFlag, markRefused } from './review-action-store';

// What a review action asks of Stripe: a full refund of one payment, once per action, or the
// flagged session a grant completes.

/** A refusal of an action that does not apply to its flag. */
export const notAllowed = (message: string) =>
  new PurchaseError('REVIEW_ACTION_NOT_ALLOWED', message);

/** The payment intent a refund of `targetPurchaseId` gives back: linked, else the flag's own. */
async function paymentIntentOf(
  ctx: FulfillmentContext,
  stripe: Stripe,
  flag: LockedFlag,
  targetPurchaseId: string,
): Promise<string | undefined> {
  const [purchase] = await ctx.db
    .select({ paymentIntentId: contentPurchases.stripePaymentIntentId })
    .from(contentPurchases)
    .where(eq(contentPurchases.id, targetPurchaseId));
  if (purchase?.paymentIntentId) return purchase.paymentIntentId;
  if (targetPurchaseId !== flag.purchaseId) return undefined;
  const fromDetails = flag.details.paymentIntentId;
  if (typeof fromDetails === 'string') return fromDetails;
  if (flag.stripeObjectId.startsWith('pi_')) return flag.stripeObjectId;
  if (!flag.stripeObjectId.startsWith('cs_')) return undefined;
  return idOf((await retrieveSession(ctx, stripe, flag)).payment_intent as string | null);
}

/** Step 2 of a refund: all that is left of the target's payment, once per action. */
export async function refundInFull(
  ctx: FulfillmentContext,
  stripe: Stripe,
  action: ReviewAction,
  flag: LockedFlag,
  targetPurchaseId: string,
): Promise<Stripe.Refund> {
  const paymentIntentId = await paymentIntentOf(ctx, stripe, flag, targetPurchaseId);
  if (!paymentIntentId) {
    throw notAllowed('This purchase has no payment to refund');
  }
  try {
    return await stripe.refunds.create(
      {
        payment_intent: paymentIntentId,
        reason: flag.kind === 'duplicate_payment' ? 'duplicate' : 'requested_by_customer',
        metadata: {
          purchaseId: targetPurchaseId,
          organizationId: action.organizationId,
          reviewActionId: action.id,
          revokeAccess: 'true',
        },
      },
      { idempotencyKey: `review:${action.id}` },
    );
  } catch (error) {
    const refusal = stripeRefusalOf(error);
    if (refusal === 'REFUND_EXCEEDS_REMAINING') {
      // Nothing left: perhaps this very action's refund, made before Stripe forgot its key.
      const own = await findOwnRefund(stripe, paymentIntentId, action.id);
      if (own) return own;
    }
    if (refusal) {
      await markRefused(ctx, action.id, refusal);
      ctx.logger.warn('review refund refused by Stripe', {
        anomalyId: flag.id,
        reviewActionId: action.id,
        refusal,
        stripeCode: error instanceof Stripe.errors.StripeError ? error.code : undefined,
      });
      throw new PurchaseError(refusal, REFUSAL_MESSAGES[refusal]);
    }
    ctx.logger.trackError(error, { operation: 'review refund', reviewActionId: action.id });
    throw new PurchaseError(
      'PAYMENT_PROVIDER_ERROR',
      'The payment provider is unavailable; send the same action again',
      { cause: error },
    );
  }
}

async function findOwnRefund(
  stripe: Stripe,
  paymentIntentId: string,
  actionId: string,
): Promise<Stripe.Refund | undefined> {
  for await (const refund of stripe.refunds.list({ payment_intent: paymentIntentId, limit: 100 })) {
    if (refund.metadata?.reviewActionId === actionId) return refund;
  }
  return undefined;
}

/** Step 2 of a grant: the flagged Checkout Session, paid, as Stripe holds it now. */
export async function retrieveSession(
  ctx: FulfillmentContext,
  stripe: Stripe,
  flag: LockedFlag,
): Promise<Stripe.Checkout.Session> {
  if (!flag.stripeObjectId.startsWith('cs_')) throw notAllowed('This flag names no checkout');
  try {
    return await stripe.checkout.sessions.retrieve(flag.stripeObjectId);
  } catch (error) {
    ctx.logger.trackError(error, { operation: 'review session read', anomalyId: flag.id });
    throw new PurchaseError(
      'PAYMENT_PROVIDER_ERROR',
      'The payment provider is unavailable; send the same action again',
      { cause: error },
    );
  }
}
