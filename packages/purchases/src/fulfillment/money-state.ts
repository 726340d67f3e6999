import {
  amountCharged,
  and,
  contentPurchases,
  countedRefundStatuses,
  type DatabaseTransaction,
  type DisputeStatus,
  disputeStatusRank,
  eq,
  grantsAccess,
  holdsPurchaseSlot,
  holdsPurchaseSlotSql,
  inArray,
  isAccessRevokingRefund,
  ne,
  paymentEvents,
  refundStatusRank,
  sql,
  stripeDisputes,
  stripeRefunds,
} from '@codex/database';
import { enqueueAccessGrantedEmail, enqueueAccessRevokedEmail } from '../outbox/enqueue-emails';
import { recordIssuedRefund } from '../refunds/record-issued-refund';
import type { FulfillmentContext, FulfillmentResult } from './context';
import type { MoneyTarget } from './find-money-purchase';
import { flagAnomaly } from './flag-anomaly';
import { combineDisputes, type MoneyChange, rankOf } from './money-records';
import { purchaseRowColumns } from './purchase-row';

/**
 * Applies refund and dispute snapshots to a purchase, in the caller's transaction and under a lock
 * on the purchase row (so concurrent events for one purchase apply one after the other):
 * 1. each refund and dispute is upserted by its Stripe id, its status moved only forward (see
 *    `refundStatusRank`, `disputeStatusRank`), so neither a late snapshot nor a duplicate can undo
 *    a later state, and a failed refund never counts again;
 * 2. the purchase's `amount_refunded_cents`, `refunded_at`, `refund_keeps_access` and
 *    `dispute_status` are derived again from all its records;
 * 3. the event is appended to `payment_events`;
 * 4. a completed purchase that loses access for good now (refunded past the policy, or a lost
 *    dispute) queues its "access revoked" e-mail; one that starts granting access queues what
 *    the buyer has not been told yet (`enqueueAccessGrantedEmail`).
 * Works on pending purchases too, so money that moved before the completion arrived still counts.
 */
export async function applyMoneyChange(
  ctx: FulfillmentContext,
  tx: DatabaseTransaction,
  target: MoneyTarget,
  change: MoneyChange,
): Promise<FulfillmentResult> {
  const [purchase] = await tx
    .select(purchaseRowColumns)
    .from(contentPurchases)
    .where(eq(contentPurchases.id, target.purchaseId))
    .for('update');
  if (!purchase) return { status: 'unknown_purchase' };
  const now = ctx.clock();

  if (change.refunds && change.refunds.length > 0) {
    const moves = sql`${rankOf(refundStatusRank, sql`${stripeRefunds.status}`)} < ${rankOf(refundStatusRank, sql`excluded.status`)}`;
    await tx
      .insert(stripeRefunds)
      .values(
        change.refunds.map((refund) => ({
          id: refund.id,
          amountCents: refund.amountCents,
          status: refund.status,
          revokesAccess: refund.revokesAccess,
          purchaseId: purchase.id,
        })),
      )
      .onConflictDoUpdate({
        target: stripeRefunds.id,
        set: {
          status: sql`CASE WHEN ${moves} THEN excluded.status ELSE ${stripeRefunds.status} END`,
          // Once any snapshot says the refund revokes, it does: the flag only moves one way.
          revokesAccess: sql`${stripeRefunds.revokesAccess} OR excluded.revokes_access`,
          updatedAt: now,
        },
        setWhere: sql`${moves} OR (excluded.revokes_access AND NOT ${stripeRefunds.revokesAccess})`,
      });
    for (const refund of change.refunds) {
      if (refund.refundRequestId) {
        await recordIssuedRefund(tx, refund.refundRequestId, purchase.id, refund);
      }
    }
  }
  if (change.dispute) {
    await tx
      .insert(stripeDisputes)
      .values({ ...change.dispute, purchaseId: purchase.id })
      .onConflictDoUpdate({
        target: stripeDisputes.id,
        set: {
          status: sql`excluded.status`,
          stripeStatus: sql`excluded.stripe_status`,
          updatedAt: now,
        },
        setWhere: sql`${rankOf(disputeStatusRank, sql`${stripeDisputes.status}`)} < ${rankOf(disputeStatusRank, sql`excluded.status`)}`,
      });
  }
  // A repeated snapshot of one failed refund (refund.failed and refund.updated) is one line.
  await tx
    .insert(paymentEvents)
    .values({ purchaseId: purchase.id, ...change.audit })
    .onConflictDoNothing();

  const [totals] = await tx
    .select({
      // Capped at Postgres integer: refunds beyond what was charged cannot happen at Stripe, and
      // a payload claiming them must not fail the statement (it revokes either way).
      refundedCents: sql<number>`least(coalesce((SELECT sum(${stripeRefunds.amountCents}) FROM ${stripeRefunds} WHERE ${stripeRefunds.purchaseId} = ${purchase.id} AND ${inArray(stripeRefunds.status, [...countedRefundStatuses])}), 0), 2147483647)::int`,
      keepsAccess: sql<boolean>`coalesce((SELECT bool_and(NOT ${stripeRefunds.revokesAccess}) FROM ${stripeRefunds} WHERE ${stripeRefunds.purchaseId} = ${purchase.id} AND ${inArray(stripeRefunds.status, [...countedRefundStatuses])}), false)`,
      disputeStatuses: sql<
        DisputeStatus[] | null
      >`(SELECT array_agg(${stripeDisputes.status}) FROM ${stripeDisputes} WHERE ${stripeDisputes.purchaseId} = ${purchase.id})`,
    })
    .from(contentPurchases)
    .where(eq(contentPurchases.id, purchase.id));
  const amountRefundedCents = Number(totals?.refundedCents ?? 0);
  const disputeStatus = combineDisputes(totals?.disputeStatuses ?? []);
  let refundKeepsAccess = totals?.keepsAccess === true;
  let refundedAt = isAccessRevokingRefund(amountRefundedCents, amountCharged(purchase))
    ? (purchase.refundedAt ?? now)
    : null;

  let result: FulfillmentResult | undefined;
  if (
    !holdsPurchaseSlot(purchase) &&
    holdsPurchaseSlot({ status: purchase.status, refundedAt, refundKeepsAccess, disputeStatus })
  ) {
    // A refund that had revoked the purchase failed: the buyer paid after all. If they bought the
    // item again meanwhile, only one purchase may hold the slot.
    const settled = await reclaimSlot(ctx, tx, purchase, target);
    if (settled === 'kept_revoked') {
      refundedAt = purchase.refundedAt;
      refundKeepsAccess = purchase.refundKeepsAccess;
      result = await flagAnomaly(tx, target.paymentIntentId, purchase.id, 'duplicate_payment', {
        problem: 'a refund failed after the buyer had bought this item again',
      });
    }
  }

  await tx
    .update(contentPurchases)
    .set({
      amountRefundedCents,
      refundedAt,
      refundKeepsAccess,
      disputeStatus,
      ...(disputeStatus !== purchase.disputeStatus ? { disputeUpdatedAt: now } : {}),
      ...(purchase.stripePaymentIntentId ? {} : { stripePaymentIntentId: target.paymentIntentId }),
    })
    .where(eq(contentPurchases.id, purchase.id));

  const next = { status: purchase.status, refundedAt, refundKeepsAccess, disputeStatus };
  if (purchase.status === 'completed' && holdsPurchaseSlot(purchase) && !holdsPurchaseSlot(next)) {
    // Revoked for good now (refunded past the policy, or a lost dispute; not merely suspended by an
    // open dispute, which keeps the slot): tell the buyer, once.
    await enqueueAccessRevokedEmail(tx, purchase.id, now);
  }
  if (purchase.status === 'completed' && !grantsAccess(purchase) && grantsAccess(next)) {
    // Access granted after being withheld (a dispute won, a refund that ended it failed): the
    // buyer hears of it now, never while it was withheld.
    await enqueueAccessGrantedEmail(tx, purchase.id, now);
  }

  if (result) return result;
  const before = grantsAccess(purchase);
  const after = grantsAccess(next);
  return {
    status: 'payment_event_recorded',
    purchaseId: purchase.id,
    contentId: purchase.contentId,
    kind: change.audit.kind,
    access: before === after ? 'unchanged' : after ? 'granted' : 'revoked',
  };
}

/**
 * Makes room for a purchase that holds its slot again. A newer pending checkout of the same item
 * is failed (the buyer has paid already); a newer completed purchase keeps the slot and this one
 * stays revoked, to be flagged (the buyer paid twice: a person refunds one).
 */
async function reclaimSlot(
  ctx: FulfillmentContext,
  tx: DatabaseTransaction,
  purchase: { id: string; customerId: string; contentId: string },
  target: MoneyTarget,
): Promise<'reclaimed' | 'kept_revoked'> {
  const [holder] = await tx
    .select({ id: contentPurchases.id, status: contentPurchases.status })
    .from(contentPurchases)
    .where(
      and(
        eq(contentPurchases.customerId, purchase.customerId),
        eq(contentPurchases.contentId, purchase.contentId),
        ne(contentPurchases.id, purchase.id),
        holdsPurchaseSlotSql(contentPurchases),
      ),
    )
    .for('update');
  if (!holder) return 'reclaimed';
  if (holder.status === 'pending') {
    await tx
      .update(contentPurchases)
      .set({ status: 'failed' })
      .where(and(eq(contentPurchases.id, holder.id), eq(contentPurchases.status, 'pending')));
    ctx.logger.warn('newer pending purchase failed: a refund of the earlier one failed', {
      purchaseId: holder.id,
      restoredPurchaseId: purchase.id,
      paymentIntentId: target.paymentIntentId,
    });
    return 'reclaimed';
  }
  return 'kept_revoked';
}
