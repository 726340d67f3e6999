import {
  and,
  contentPurchases,
  eq,
  fulfillmentAnomalies,
  isNull,
  isUniqueViolation,
  sql,
} from '@codex/database';
import Stripe from 'stripe';
import type { Executor, FulfillmentContext, FulfillmentResult } from './context';
import { flagAnomaly } from './flag-anomaly';
import type { PurchaseRow } from './purchase-row';
import { requireStripe } from './require-stripe';
import { FOREIGN_DISCOUNT, type SessionAmounts } from './session-amounts';
import { type CheckoutSessionSnapshot, idOf } from './stripe-events';

/**
 * A pending purchase paid with a discount that is not its own promotion code (another
 * organization's code, or one typed on Stripe's page by a session created before codes were
 * verified): not granted, and made right. In the caller's transaction, the purchase is failed (the
 * buyer may buy again), linked to the payment (so the refund's webhooks find it) and flagged
 * `foreign_discount`, which {@link refundForeignDiscounts} settles after the commit by refunding
 * the payment in full. A code never lowers another organization's price, and nobody keeps money
 * for nothing.
 */
export async function failForeignDiscount(
  db: Executor,
  session: CheckoutSessionSnapshot,
  purchase: PurchaseRow,
  amounts: SessionAmounts,
): Promise<FulfillmentResult> {
  const paymentIntentId = idOf(session.payment_intent) ?? null;
  try {
    // A savepoint: a payment intent that already paid another purchase must not abort the caller.
    await db.transaction(async (savepoint) => {
      await savepoint
        .update(contentPurchases)
        .set({
          status: 'failed',
          stripeCheckoutSessionId: session.id,
          ...(purchase.stripePaymentIntentId || !paymentIntentId
            ? {}
            : { stripePaymentIntentId: paymentIntentId }),
        })
        .where(and(eq(contentPurchases.id, purchase.id), eq(contentPurchases.status, 'pending')));
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return flagAnomaly(db, session.id, purchase.id, 'linkage_mismatch', {
      problem: 'payment intent already belongs to another purchase',
    });
  }
  const result = await flagAnomaly(db, session.id, purchase.id, 'foreign_discount', {
    problem: FOREIGN_DISCOUNT,
    paymentIntentId,
    promotionCodeId: amounts.promotionCodeId,
    purchasePromotionCodeId: purchase.promotionCodeId,
    discount: amounts.discount,
    total: amounts.total,
  });
  if (amounts.total === 0 || !paymentIntentId) {
    // A 100 % discount took no money: failing the purchase already made it right.
    await db
      .update(fulfillmentAnomalies)
      .set({ resolvedAt: sql`now()`, resolution: 'refunded_automatically', resolvedBy: 'system' })
      .where(
        and(
          eq(fulfillmentAnomalies.stripeObjectId, session.id),
          eq(fulfillmentAnomalies.kind, 'foreign_discount'),
          isNull(fulfillmentAnomalies.resolvedAt),
        ),
      );
  }
  return result;
}

/** True when a paid session's discount is not the purchase's own code (the case above). */
export function isForeignDiscount(
  purchase: Pick<PurchaseRow, 'promotionCodeId'>,
  amounts: SessionAmounts | undefined,
): boolean {
  return (
    amounts !== undefined &&
    amounts.discount > 0 &&
    (purchase.promotionCodeId === null || purchase.promotionCodeId !== amounts.promotionCodeId)
  );
}

/**
 * Refunds in full the payment of every `foreign_discount` not yet made right (at most `limit`,
 * oldest first; or only `purchaseId`'s), one Stripe call each with an idempotency key per anomaly,
 * and marks each resolved with its refund. A payment Stripe says is already refunded counts as
 * made right. A Stripe failure leaves the anomaly open for the next run (the reconciliation cron
 * runs this too); a final refusal (any other invalid request) is kept on the anomaly
 * (`details.refundRefusedCode`), logged as an error and left to a person, so it never holds the
 * others back. Returns how many were made right.
 */
export async function refundForeignDiscounts(
  ctx: FulfillmentContext,
  options: { purchaseId?: string; limit?: number } = {},
): Promise<number> {
  const open = await ctx.db
    .select({ id: fulfillmentAnomalies.id, details: fulfillmentAnomalies.details })
    .from(fulfillmentAnomalies)
    .where(
      and(
        eq(fulfillmentAnomalies.kind, 'foreign_discount'),
        isNull(fulfillmentAnomalies.resolvedAt),
        sql`NOT (${fulfillmentAnomalies.details} ? 'refundRefusedCode')`,
        options.purchaseId ? eq(fulfillmentAnomalies.purchaseId, options.purchaseId) : undefined,
      ),
    )
    .orderBy(fulfillmentAnomalies.createdAt)
    .limit(options.limit ?? 10);
  let madeRight = 0;
  for (const anomaly of open) {
    const paymentIntentId = anomaly.details.paymentIntentId;
    if (typeof paymentIntentId !== 'string') continue;
    const outcome = await refundInFull(ctx, anomaly.id, paymentIntentId);
    if (outcome === undefined) continue;
    await ctx.db
      .update(fulfillmentAnomalies)
      .set({
        ...('refusedCode' in outcome
          ? {}
          : {
              resolvedAt: ctx.clock(),
              resolution: 'refunded_automatically',
              resolvedBy: 'system',
            }),
        details: sql`${fulfillmentAnomalies.details} || ${JSON.stringify(
          'refusedCode' in outcome
            ? { refundRefusedCode: outcome.refusedCode }
            : { refundId: outcome.refundId },
        )}::jsonb`,
      })
      .where(and(eq(fulfillmentAnomalies.id, anomaly.id), isNull(fulfillmentAnomalies.resolvedAt)));
    if (!('refusedCode' in outcome)) madeRight++;
  }
  return madeRight;
}

/**
 * The refund's id (null when Stripe says nothing is left to refund), Stripe's final refusal, or
 * undefined after a failure that a later run may get past.
 */
async function refundInFull(
  ctx: FulfillmentContext,
  anomalyId: string,
  paymentIntentId: string,
): Promise<{ refundId: string | null } | { refusedCode: string } | undefined> {
  try {
    const refund = await requireStripe(ctx).refunds.create(
      { payment_intent: paymentIntentId, metadata: { foreignDiscountAnomalyId: anomalyId } },
      { idempotencyKey: `foreign-discount:${anomalyId}` },
    );
    ctx.logger.warn('payment with a foreign discount refunded', {
      anomalyId,
      paymentIntentId,
      refundId: refund.id,
    });
    return { refundId: refund.id };
  } catch (error) {
    if (error instanceof Stripe.errors.StripeInvalidRequestError) {
      if (error.code === 'charge_already_refunded') return { refundId: null };
      ctx.logger.error('payment with a foreign discount not refundable; left for review', {
        anomalyId,
        stripeCode: error.code ?? null,
      });
      return { refusedCode: error.code ?? 'invalid_request' };
    }
    ctx.logger.trackError(error, { operation: 'refund foreign discount', anomalyId });
    return undefined;
  }
}
