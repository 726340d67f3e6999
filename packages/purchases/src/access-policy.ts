import { contentPurchases, type DisputeStatus, type SQL, sql } from '@codex/database';

/**
 * The refund policy, in one place: access is revoked once the refunds of a purchase reach this
 * fraction of the price paid. 1 means only a full refund (or partial refunds adding up to it)
 * revokes; a partial refund is recorded and keeps access. (Comparable systems revoke on any
 * refund, which punishes a goodwill partial refund; we do not.)
 */
export const REFUND_FRACTION_THAT_REVOKES_ACCESS = 1;

/** True when refunds of `amountRefundedCents` on a purchase of `pricePaidCents` revoke access. */
export function isAccessRevokingRefund(
  amountRefundedCents: number,
  pricePaidCents: number,
): boolean {
  return (
    amountRefundedCents > 0 &&
    amountRefundedCents >= Math.ceil(pricePaidCents * REFUND_FRACTION_THAT_REVOKES_ACCESS)
  );
}

/**
 * What a purchase was charged, the amount refunds are measured against: `amount_total_cents` once
 * the completion recorded it (a discounted purchase was charged less than its price, tax exclusive
 * more), else the price.
 */
export function chargedCents(purchase: {
  pricePaidCents: number;
  amountTotalCents: number | null;
}): number {
  return purchase.amountTotalCents ?? purchase.pricePaidCents;
}

/**
 * `refunded_at` for a pending purchase being completed now with `chargedTotalCents` charged, as SQL
 * for the completion's own UPDATE: refunds that arrived before the completion were measured against
 * the price (the charged total was not known yet); measured against what was charged they may
 * already revoke access ({@link isAccessRevokingRefund}, in SQL).
 */
export function refundedAtOnCompletion(chargedTotalCents: number, now: Date | string): SQL {
  const { refundedAt, amountRefundedCents } = contentPurchases;
  const at = typeof now === 'string' ? now : now.toISOString();
  return sql`CASE WHEN ${refundedAt} IS NULL AND ${amountRefundedCents} > 0
    AND ${amountRefundedCents} >= ceil(${chargedTotalCents}::int * ${REFUND_FRACTION_THAT_REVOKES_ACCESS}::numeric)
    THEN ${at}::timestamptz ELSE ${refundedAt} END`;
}

/**
 * The TypeScript mirror of `grantsAccessPredicate` (`@codex/database`), the one SQL definition of
 * the access rule that every access query evaluates: completed, not refunded past the policy (or
 * refunded only by refunds issued to keep access), no open or lost dispute. For code that already holds a row; `access-policy.test.ts` proves the two
 * agree on every combination in Postgres.
 */
export function grantsAccess(purchase: {
  status: string;
  refundedAt: Date | null;
  refundKeepsAccess: boolean;
  disputeStatus: DisputeStatus | null;
}): boolean {
  return (
    purchase.status === 'completed' &&
    (purchase.refundedAt === null || purchase.refundKeepsAccess) &&
    (purchase.disputeStatus === null || purchase.disputeStatus === 'won')
  );
}
