import { contentPurchases, type SQL, sql } from '@codex/database';
import { buyerPurchaseStatuses } from '@codex/validation';

// The vocabulary lives with the API's query schemas (a sales filter takes these values); the
// mapping from a row to one of them lives here.
export { buyerPurchaseStatuses };
/** A purchase's state as the buyer understands it (see {@link buyerStatus}). */
export type BuyerPurchaseStatus = (typeof buyerPurchaseStatuses)[number];

/**
 * The one mapping from a purchase row to the status a buyer sees, as a SQL `CASE` (first match
 * wins):
 *
 * | row | buyer status |
 * |---|---|
 * | `status = 'failed'` | `failed` |
 * | `status = 'pending'` (whatever money moved before completion) | `pending` |
 * | completed, dispute `open` or `lost` | `disputed` (also when refunded: the dispute decides access and is what the bank shows) |
 * | completed, `refunded_at` set (refunds reached the refund policy) | `refunded` |
 * | completed, `amount_refunded_cents > 0` (a refund below the policy: access kept) | `partially_refunded` |
 * | otherwise (a dispute `won` falls through to the refund state) | `completed` |
 *
 * `completed` and `partially_refunded` are exactly the rows that grant access, with one addition:
 * `refunded` with `refund_keeps_access` (refunded in full from the platform with `revokeAccess:
 * false`: the money went back, the buyer keeps the item). A test proves it against
 * `grantsAccessPredicate`.
 */
export function buyerStatus(): SQL<BuyerPurchaseStatus> {
  const columns = contentPurchases;
  return sql<BuyerPurchaseStatus>`CASE
    WHEN ${columns.status} = 'failed' THEN 'failed'
    WHEN ${columns.status} = 'pending' THEN 'pending'
    WHEN ${columns.disputeStatus} IN ('open', 'lost') THEN 'disputed'
    WHEN ${columns.refundedAt} IS NOT NULL THEN 'refunded'
    WHEN ${columns.amountRefundedCents} > 0 THEN 'partially_refunded'
    ELSE 'completed'
  END`;
}

/** Reads a value {@link buyerStatus} produced; anything else is a bug and throws. */
export function toBuyerPurchaseStatus(value: unknown): BuyerPurchaseStatus {
  const status = buyerPurchaseStatuses.find((candidate) => candidate === value);
  if (!status) throw new Error(`buyerStatus produced an unknown status: ${String(value)}`);
  return status;
}
