import {
  amountCharged,
  and,
  contentPurchases,
  countedRefundStatuses,
  type DatabaseTransaction,
  type DisputeStatus,
  eq,
  grantsAccess,
  holdsPurchaseSlot,
  holdsPurchaseSlotSql,
  inArray,
  isAccessRevokingRefund,
  isChargebackSql,
  ne,
  paymentEvents,
  refundEndsAccess,
  refundStatusRank,
  sql,
  stripeDisputeStatusRank,
  stripeDisputes,
  stripeRefunds,
} from '@codex/database';
import { enqueueAccessGrantedEmail, enqueueAccessRevokedEmail } from '../outbox/enqueue-emails';
import { enqueueRefundReceipts } from '../outbox/enqueue-refund-receipts';
import { recordIssuedRefund } from '../refunds/record-issued-refund';
import type { FulfillmentContext, FulfillmentResult } from './context';
import { expireOpenSession } from './expire-open-session';
import type { MoneyTarget } from './find-money-purchase';
import { flagAnomaly } from './flag-anomaly';
import { isPendingForReview } from './flagged-payment';
import { combineDisputes, type MoneyChange, rankOf, refundKeepsAccessSql } from './money-records';
import type { PurchaseRow } from './purchase-row';
import { requireStripe } from './require-stripe';
import { lockBuyerItemPurchases, settleBuyerItem } from './settle-buyer-item';

/**
 * Applies refund and dispute snapshots to a purchase, in the caller's transaction and under a lock
 * on the purchase row (so concurrent events for one purchase apply one after the other):
 * 1. each refund and dispute is upserted by its Stripe id, its status moved only forward (see
 *    `refundStatusRank`, and for a dispute Stripe's own status by `stripeDisputeStatusRank`), so
 *    neither a late snapshot nor a duplicate can undo a later state, and a failed refund never
 *    counts again;
 * 2. the purchase's `amount_refunded_cents`, `refunded_at`, `refund_keeps_access` and
 *    `dispute_status` are derived again from all its records (refunds measured against what was
 *    charged: the completion's record, else the payment's amount in `target`); a payment held for
 *    review and now refunded in full is failed;
 * 3. the event is appended to `payment_events`;
 * 4. a purchase that gives up the buyer's slot now hands it to a paid purchase kept revoked for it
 *    (`settleBuyerItem`: a double payment resolved by refunding either payment);
 * 5. each refund that succeeded queues its receipt (`enqueueRefundReceipts`); a completed
 *    purchase that loses access for good now (refunded past the policy, or a lost
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
  // Every purchase of the buyer's item, locked in one order: this step may reclaim the slot from
  // another one, or give it back to one (settleBuyerItem).
  const purchase = (await lockBuyerItemPurchases(tx, target.purchaseId)).find(
    (row) => row.id === target.purchaseId,
  );
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
        setWhere: sql`${rankOf(stripeDisputeStatusRank, sql`${stripeDisputes.stripeStatus}`)} < ${rankOf(stripeDisputeStatusRank, sql`excluded.stripe_status`)}`,
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
      keepsAccess: refundKeepsAccessSql(purchase.id),
      disputeStatuses: sql<
        DisputeStatus[] | null
      >`(SELECT array_agg(${stripeDisputes.status}) FROM ${stripeDisputes} WHERE ${stripeDisputes.purchaseId} = ${purchase.id} AND ${isChargebackSql(stripeDisputes.stripeStatus)})`,
    })
    .from(contentPurchases)
    .where(eq(contentPurchases.id, purchase.id));
  const amountRefundedCents = Number(totals?.refundedCents ?? 0);
  const disputeStatus = combineDisputes(totals?.disputeStatuses ?? []);
  let refundKeepsAccess = totals?.keepsAccess === true;
  let refundedAt = isAccessRevokingRefund(amountRefundedCents, chargedCentsOf(purchase, target))
    ? (purchase.refundedAt ?? now)
    : null;
  // A payment held for review whose money went back in full: the sale will not happen. Failed, it
  // frees the buyer's slot and leaves the pending purchases that reconciliation reads.
  const status =
    purchase.status === 'pending' &&
    refundEndsAccess({ refundedAt, refundKeepsAccess }) &&
    (await isPendingForReview(tx, purchase.id))
      ? 'failed'
      : purchase.status;

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
      status,
      amountRefundedCents,
      refundedAt,
      refundKeepsAccess,
      disputeStatus,
      ...(disputeStatus !== purchase.disputeStatus ? { disputeUpdatedAt: now } : {}),
      ...(purchase.stripePaymentIntentId ? {} : { stripePaymentIntentId: target.paymentIntentId }),
    })
    .where(eq(contentPurchases.id, purchase.id));

  const next = { status, refundedAt, refundKeepsAccess, disputeStatus };
  if (holdsPurchaseSlot(purchase) && !holdsPurchaseSlot(next)) {
    // The slot is free: a paid purchase kept revoked for this one (a double payment) takes it back.
    await settleBuyerItem(ctx, tx, purchase.id);
  }
  // A receipt per refund that succeeded, saying whether access is kept (the state just written).
  const refundIds = (change.refunds ?? []).map((refund) => refund.id);
  await enqueueRefundReceipts(tx, {
    purchaseId: purchase.id,
    refundIds,
    keepsAccess: grantsAccess(next),
    now,
  });
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
 * What the purchase's refunds are measured against: what its completion recorded as charged, or
 * before (or without) a completion what the payment charged, as read from Stripe; else the price.
 */
function chargedCentsOf(purchase: PurchaseRow, target: MoneyTarget): number {
  if (purchase.status !== 'completed' && target.chargedCents !== undefined) {
    return target.chargedCents;
  }
  return amountCharged(purchase);
}

/**
 * Makes room for a purchase that holds its slot again. A newer pending checkout of the same item
 * is failed (the buyer has paid already), its session expired at Stripe first so the open tab can
 * no longer take a second payment; a newer purchase that is completed, or whose session Stripe
 * says is complete (being paid), keeps the slot and this one stays revoked, to be flagged (the
 * buyer paid twice: a person refunds one).
 */
async function reclaimSlot(
  ctx: FulfillmentContext,
  tx: DatabaseTransaction,
  purchase: { id: string; customerId: string; contentId: string },
  target: MoneyTarget,
): Promise<'reclaimed' | 'kept_revoked'> {
  const [holder] = await tx
    .select({
      id: contentPurchases.id,
      status: contentPurchases.status,
      sessionId: contentPurchases.stripeCheckoutSessionId,
    })
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
  if (holder.status !== 'pending') return 'kept_revoked';
  // The one Stripe call made inside a transaction: which purchase keeps the slot depends on it,
  // and deciding before the transaction would race the refund snapshots it derives from. A rare
  // path; an outage throws, everything rolls back, and the redelivered event decides again. (A
  // checkout still creating its session expires that orphan itself once it finds itself failed.)
  if (holder.sessionId) {
    const session = await expireOpenSession(requireStripe(ctx), holder.sessionId);
    if (session === 'being_paid') return 'kept_revoked';
  }
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
