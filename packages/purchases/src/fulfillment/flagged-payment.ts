import {
  and,
  contentPurchases,
  eq,
  fulfillmentAnomalies,
  inArray,
  isAccessRevokingRefundSql,
  sql,
} from '@codex/database';
import type { Executor } from './context';
import { refundedAtAgainstCharged } from './session-amounts';

/**
 * The anomalies that keep a paid purchase pending for review: what Stripe charged is not what was
 * sold, so the completion never comes and only the money events move it.
 */
const PENDING_FOR_REVIEW = ['amount_mismatch', 'currency_mismatch'] as const;

/** True when the purchase is held pending by a mismatch flagged for review (resolved or not). */
export async function isPendingForReview(db: Executor, purchaseId: string): Promise<boolean> {
  const [flagged] = await db
    .select({ id: fulfillmentAnomalies.id })
    .from(fulfillmentAnomalies)
    .where(
      and(
        eq(fulfillmentAnomalies.purchaseId, purchaseId),
        inArray(fulfillmentAnomalies.kind, [...PENDING_FOR_REVIEW]),
      ),
    )
    .limit(1);
  return flagged !== undefined;
}

/**
 * A payment just flagged for review, measured against what Stripe charged (`chargedCents`, the
 * session's total): refunds that arrived before the flag were measured against the payment or the
 * price, and `refunded_at` is derived again. Refunded in full, the purchase is failed: the money
 * went back, so it frees the buyer's slot and leaves the pending purchases reconciliation reads.
 */
export async function measureFlaggedPayment(
  db: Executor,
  purchaseId: string,
  chargedCents: number,
  now: Date,
): Promise<void> {
  const { amountRefundedCents, refundKeepsAccess, status } = contentPurchases;
  await db
    .update(contentPurchases)
    .set({
      refundedAt: refundedAtAgainstCharged(chargedCents, now),
      status: sql`CASE WHEN ${isAccessRevokingRefundSql(amountRefundedCents, chargedCents)}
        AND NOT ${refundKeepsAccess} THEN 'failed' ELSE ${status} END`,
    })
    .where(and(eq(contentPurchases.id, purchaseId), eq(contentPurchases.status, 'pending')));
}
