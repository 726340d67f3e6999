import {
  countedRefundStatuses,
  type DisputeStatus,
  type PaymentEventKind,
  type RefundStatus,
  type SQL,
  sql,
} from '@codex/database';
import { uuidSchema } from '@codex/validation';

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

/**
 * Where a dispute stands, from Stripe's status: open, closed with the money kept (`won`), or
 * `lost`. An inquiry (`warning_*`) is stored the same way, but only chargebacks make the purchase's
 * `dispute_status` (`isChargeback` in the purchase rules): an inquiry never touches access.
 */
export function disputeStatusOf(stripeStatus: string): DisputeStatus {
  if (stripeStatus === 'lost') return 'lost';
  // warning_closed: an inquiry that ended without a chargeback; prevented: stopped before it
  // became one. The money stays either way.
  if (stripeStatus === 'won' || stripeStatus === 'warning_closed' || stripeStatus === 'prevented') {
    return 'won';
  }
  return 'open';
}

/** The purchase's dispute state from all its disputes: any lost wins, then any open, then won. */
export function combineDisputes(statuses: DisputeStatus[]): DisputeStatus | null {
  if (statuses.includes('lost')) return 'lost';
  if (statuses.includes('open')) return 'open';
  if (statuses.includes('won')) return 'won';
  return null;
}

/** A status's rank (`refundStatusRank`, `stripeDisputeStatusRank`) as SQL, for forward-only upserts. */
export function rankOf(ranks: Record<string, number>, column: SQL): SQL {
  const cases = Object.entries(ranks).map(
    // Constants of this module, not input: inlined so the planner sees literals.
    ([status, rank]) => sql.raw(`WHEN '${status}' THEN ${rank}`),
  );
  return sql`(CASE ${column} ${sql.join(cases, sql` `)} ELSE -1 END)`;
}

/**
 * Whether a purchase's refunds, once they reach the refund policy, leave its buyer access
 * (`refund_keeps_access`; decision 021): of the refunds that count, the most recently requested
 * platform refund decides by its `revokes_access` (its metadata's `revokeAccess`, sticky once any
 * snapshot says it revokes). Its order is the platform's request order, fixed before Stripe was
 * asked, so no webhook order can change it; refunds made in the Dashboard count towards the policy
 * but never decide, and without a platform refund access is not kept.
 */
export function refundKeepsAccessSql(purchaseId: string): SQL<boolean> {
  const counted = sql.join(
    countedRefundStatuses.map((status) => sql`${status}`),
    sql`, `,
  );
  return sql<boolean>`coalesce((
    SELECT NOT refund.revokes_access
    FROM stripe_refunds refund
    JOIN refund_requests request
      ON request.stripe_refund_id = refund.id AND request.purchase_id = refund.purchase_id
    WHERE refund.purchase_id = ${purchaseId} AND refund.status IN (${counted})
    ORDER BY request.created_at DESC, request.id DESC
    LIMIT 1), false)`;
}
