import type { DisputeStatus } from '@codex/database';

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
 * The TypeScript mirror of `grantsAccessPredicate` (`@codex/database`), the one SQL definition of
 * the access rule that every access query evaluates: completed, not refunded past the policy, no
 * open or lost dispute. For code that already holds a row; `access-policy.test.ts` proves the two
 * agree on every combination in Postgres.
 */
export function grantsAccess(purchase: {
  status: string;
  refundedAt: Date | null;
  disputeStatus: DisputeStatus | null;
}): boolean {
  return (
    purchase.status === 'completed' &&
    purchase.refundedAt === null &&
    (purchase.disputeStatus === null || purchase.disputeStatus === 'won')
  );
}
