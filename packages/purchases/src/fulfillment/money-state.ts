import {
  and,
  contentPurchases,
  countedRefundStatuses,
  type DatabaseTransaction,
  type DisputeStatus,
  disputeStatusRank,
  eq,
  holdsPurchaseSlot,
  inArray,
  ne,
  type PaymentEventKind,
  paymentEvents,
  type RefundStatus,
  refundStatusRank,
  type SQL,
  sql,
  stripeDisputes,
  stripeRefunds,
} from '@codex/database';
import { uuidSchema } from '@codex/validation';
import { chargedCents, grantsAccess, isAccessRevokingRefund } from '../access-policy';
import { enqueueAccessRevokedEmail } from '../outbox/enqueue-emails';
import { recordIssuedRefund } from '../refunds/record-issued-refund';
import { flag } from './checkout-sessions';
import type { FulfillmentContext, FulfillmentResult } from './context';
import type { MoneyTarget } from './find-money-purchase';

/** One refund as a snapshot shows it. */
export interface RefundRecord {
  id: string;
  amountCents: number;
  status: RefundStatus;
  /** False for a refund issued from the platform with `revokeAccess: false` (its metadata says so). */
  revokesAccess: boolean;
  /** The platform's refund request that issued it (its metadata's `refundRequestId`), if any. */
  refundRequestId?: string | undefined;
}

/**
 * What a Stripe refund's metadata says about it: issued from the platform (`refundRequestId`, a
 * UUID) and whether it revokes access (`revokeAccess: "false"` keeps it; anything else revokes,
 * as a Dashboard refund does).
 */
export function readRefundMetadata(metadata: Record<string, string> | null | undefined): {
  revokesAccess: boolean;
  refundRequestId?: string;
} {
  const requestId = metadata?.refundRequestId;
  return {
    revokesAccess: metadata?.revokeAccess !== 'false',
    ...(requestId && uuidSchema.safeParse(requestId).success ? { refundRequestId: requestId } : {}),
  };
}

/** One dispute as a snapshot shows it, with Stripe's status mapped to ours. */
export interface DisputeRecord {
  id: string;
  amountCents: number;
  status: DisputeStatus;
  stripeStatus: string;
}

/** What one money event brings: the snapshots it carries, and its line in the audit trail. */
export interface MoneyChange {
  refunds?: RefundRecord[];
  dispute?: DisputeRecord;
  audit: {
    stripeEventId: string;
    stripeObjectId: string;
    kind: PaymentEventKind;
    amountCents: number;
  };
}

/** Stripe's dispute statuses, as far as access is concerned. */
export function disputeStatusOf(stripeStatus: string): DisputeStatus {
  if (stripeStatus === 'lost') return 'lost';
  // warning_closed: an inquiry that ended without a chargeback; prevented: stopped before it
  // became one. The money stays either way.
  if (stripeStatus === 'won' || stripeStatus === 'warning_closed' || stripeStatus === 'prevented') {
    return 'won';
  }
  return 'open';
}

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
 *    dispute) queues its "access revoked" e-mail.
 * Works on pending purchases too, so money that moved before the completion arrived still counts.
 */
export async function applyMoneyChange(
  ctx: FulfillmentContext,
  tx: DatabaseTransaction,
  target: MoneyTarget,
  change: MoneyChange,
): Promise<FulfillmentResult> {
  const [purchase] = await tx
    .select({
      id: contentPurchases.id,
      customerId: contentPurchases.customerId,
      contentId: contentPurchases.contentId,
      status: contentPurchases.status,
      pricePaidCents: contentPurchases.pricePaidCents,
      amountTotalCents: contentPurchases.amountTotalCents,
      refundedAt: contentPurchases.refundedAt,
      refundKeepsAccess: contentPurchases.refundKeepsAccess,
      disputeStatus: contentPurchases.disputeStatus,
      stripePaymentIntentId: contentPurchases.stripePaymentIntentId,
    })
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
      refundedCents: sql<number>`coalesce((SELECT sum(${stripeRefunds.amountCents}) FROM ${stripeRefunds} WHERE ${stripeRefunds.purchaseId} = ${purchase.id} AND ${inArray(stripeRefunds.status, [...countedRefundStatuses])}), 0)::int`,
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
  let refundedAt = isAccessRevokingRefund(amountRefundedCents, chargedCents(purchase))
    ? (purchase.refundedAt ?? now)
    : null;

  let result: FulfillmentResult | undefined;
  if (
    !holdsSlot(purchase) &&
    holdsSlot({ status: purchase.status, refundedAt, refundKeepsAccess, disputeStatus })
  ) {
    // A refund that had revoked the purchase failed: the buyer paid after all. If they bought the
    // item again meanwhile, only one purchase may hold the slot.
    const settled = await reclaimSlot(ctx, tx, purchase, target);
    if (settled === 'kept_revoked') {
      refundedAt = purchase.refundedAt;
      refundKeepsAccess = purchase.refundKeepsAccess;
      result = await flag(tx, target.paymentIntentId, purchase.id, 'duplicate_payment', {
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
  if (purchase.status === 'completed' && !isRevoked(purchase) && isRevoked(next)) {
    // Revoked for good now (not merely suspended by an open dispute): tell the buyer, once.
    await enqueueAccessRevokedEmail(tx, purchase.id, now);
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
 * True when money taken back ends the purchase's access for good: refunded past the policy (by
 * refunds not all issued to keep access), or a lost dispute.
 */
function isRevoked(row: {
  refundedAt: Date | null;
  refundKeepsAccess: boolean;
  disputeStatus: DisputeStatus | null;
}): boolean {
  return (row.refundedAt !== null && !row.refundKeepsAccess) || row.disputeStatus === 'lost';
}

/** The purchase's dispute state from all its disputes: any lost wins, then any open, then won. */
function combineDisputes(statuses: DisputeStatus[]): DisputeStatus | null {
  if (statuses.includes('lost')) return 'lost';
  if (statuses.includes('open')) return 'open';
  if (statuses.includes('won')) return 'won';
  return null;
}

/** `holdsPurchaseSlot` (the unique index's predicate) as a function of a row. */
function holdsSlot(row: {
  status: string;
  refundedAt: Date | null;
  refundKeepsAccess: boolean;
  disputeStatus: DisputeStatus | null;
}): boolean {
  return (
    (row.status === 'pending' || row.status === 'completed') &&
    (row.refundedAt === null || row.refundKeepsAccess) &&
    row.disputeStatus !== 'lost'
  );
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
        holdsPurchaseSlot(contentPurchases),
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

function rankOf(ranks: Record<string, number>, column: SQL): SQL {
  const cases = Object.entries(ranks).map(
    // Constants of this module, not input: inlined so the planner sees literals.
    ([status, rank]) => sql.raw(`WHEN '${status}' THEN ${rank}`),
  );
  return sql`(CASE ${column} ${sql.join(cases, sql` `)} ELSE -1 END)`;
}
