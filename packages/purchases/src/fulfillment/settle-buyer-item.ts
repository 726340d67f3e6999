import {
  amountCharged,
  and,
  contentPurchases,
  type DatabaseTransaction,
  eq,
  fulfillmentAnomalies,
  grantsAccess,
  holdsPurchaseSlot,
  isAccessRevokingRefund,
  isNull,
  sql,
} from '@codex/database';
import { enqueueAccessGrantedEmail } from '../outbox/enqueue-emails';
import type { FulfillmentContext } from './context';
import { refundKeepsAccessSql } from './money-records';
import { type PurchaseRow, purchaseRowColumns } from './purchase-row';

/** A purchase of the buyer's item as {@link lockBuyerItemPurchases} reads it. */
export type BuyerItemPurchase = PurchaseRow & {
  amountRefundedCents: number;
  createdAt: Date;
};

/**
 * Every purchase of the buyer's item that `purchaseId` belongs to (itself included), locked
 * `FOR UPDATE` in id order in the caller's transaction. One lock order for every step that touches
 * more than one purchase of a buyer and item (a money event, reclaiming the slot, re-deriving it,
 * a review action), so two of them never wait on each other in a cycle. Empty for an unknown id.
 */
export async function lockBuyerItemPurchases(
  tx: DatabaseTransaction,
  purchaseId: string,
): Promise<BuyerItemPurchase[]> {
  const self = sql`(SELECT customer_id, content_id FROM content_purchases WHERE id = ${purchaseId}::uuid)`;
  return tx
    .select({
      ...purchaseRowColumns,
      amountRefundedCents: contentPurchases.amountRefundedCents,
      createdAt: contentPurchases.createdAt,
    })
    .from(contentPurchases)
    .where(sql`(${contentPurchases.customerId}, ${contentPurchases.contentId}) = ${self}`)
    .orderBy(contentPurchases.id)
    .for('update');
}

/**
 * True for a paid purchase kept revoked only because another purchase held the slot: completed,
 * `refunded_at` set, yet its counted refunds no longer reach the refund policy (its refund failed
 * after the buyer bought the item again: flagged `duplicate_payment`).
 */
export function isKeptRevoked(purchase: BuyerItemPurchase): boolean {
  return (
    purchase.status === 'completed' &&
    purchase.refundedAt !== null &&
    purchase.disputeStatus !== 'lost' &&
    !isAccessRevokingRefund(purchase.amountRefundedCents, amountCharged(purchase))
  );
}

/**
 * Re-derives the slot of the buyer's item after one of their purchases changed, in the caller's
 * transaction: when no purchase holds it, the oldest purchase kept revoked ({@link isKeptRevoked})
 * takes it back (its `refunded_at` cleared, its keep-access flag derived again from its refunds),
 * its open `duplicate_payment` flags are closed as `settled` by `system`, and the buyer is told
 * access is theirs again. Run by every money event that frees the slot and by every review action,
 * so resolving a double payment by refunding either payment leaves the buyer holding the other,
 * whatever order the events arrive in. Returns the purchase that took the slot back, if any.
 */
export async function settleBuyerItem(
  ctx: FulfillmentContext,
  tx: DatabaseTransaction,
  purchaseId: string,
): Promise<string | undefined> {
  const purchases = await lockBuyerItemPurchases(tx, purchaseId);
  if (purchases.some((purchase) => holdsPurchaseSlot(purchase))) return undefined;
  const restored = purchases
    .filter(isKeptRevoked)
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())[0];
  if (!restored) return undefined;
  const now = ctx.clock();
  const [after] = await tx
    .update(contentPurchases)
    .set({ refundedAt: null, refundKeepsAccess: refundKeepsAccessSql(restored.id) })
    .where(eq(contentPurchases.id, restored.id))
    .returning({ refundKeepsAccess: contentPurchases.refundKeepsAccess });
  await tx
    .update(fulfillmentAnomalies)
    .set({
      resolvedAt: now,
      resolution: 'settled',
      resolvedBy: 'system',
      resolutionNote: 'the purchase that held the slot gave it up: this payment holds it again',
    })
    .where(
      and(
        eq(fulfillmentAnomalies.purchaseId, restored.id),
        eq(fulfillmentAnomalies.kind, 'duplicate_payment'),
        isNull(fulfillmentAnomalies.resolvedAt),
      ),
    );
  const next = {
    ...restored,
    refundedAt: null,
    refundKeepsAccess: after?.refundKeepsAccess ?? false,
  };
  if (!grantsAccess(restored) && grantsAccess(next)) {
    await enqueueAccessGrantedEmail(tx, restored.id, now);
  }
  ctx.logger.info('slot given back to a paid purchase kept revoked', {
    purchaseId: restored.id,
    releasedBy: purchaseId,
  });
  return restored.id;
}
