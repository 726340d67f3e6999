import { type SQL, sql } from '@codex/database';

/** A refund Stripe created for a platform refund request. */
export interface IssuedRefund {
  id: string;
  amountCents: number;
  status: string;
}

/**
 * One statement: marks the refund request `issued` with Stripe's refund, and appends its
 * `refund_issued` line to `payment_events` (who asked, when they asked, why, how much), both only
 * the first time. Run by the request once Stripe answers and, should that write be lost (the worker
 * stopped between Stripe's answer and ours), by the refund's webhook, which carries the request id
 * in the refund's metadata: whichever runs first records it, the other changes nothing. Only a
 * request of `purchaseId` is touched, so a refund cannot be filed under another purchase's request.
 */
export function recordIssuedRefundStatement(
  requestId: string,
  purchaseId: string,
  refund: IssuedRefund,
): SQL {
  return sql`
    WITH issued AS (
      UPDATE refund_requests
      SET status = 'issued', stripe_refund_id = ${refund.id}, refunded_cents = ${refund.amountCents}::int,
          stripe_refund_status = ${refund.status}, refusal_code = NULL, updated_at = now()
      WHERE id = ${requestId}::uuid AND purchase_id = ${purchaseId}::uuid AND stripe_refund_id IS NULL
      RETURNING purchase_id, requested_by, reason, note, refunded_cents, created_at
    )
    INSERT INTO payment_events (purchase_id, stripe_object_id, kind, amount_cents, actor_id, reason, note, created_at)
    SELECT purchase_id, ${refund.id}, 'refund_issued', refunded_cents, requested_by, reason, note, created_at
    FROM issued
    ON CONFLICT DO NOTHING`;
}

/** {@link recordIssuedRefundStatement} in the caller's transaction (the webhook's). */
export async function recordIssuedRefund(
  tx: { execute(statement: SQL): Promise<unknown> },
  requestId: string,
  purchaseId: string,
  refund: IssuedRefund,
): Promise<void> {
  await tx.execute(recordIssuedRefundStatement(requestId, purchaseId, refund));
}
