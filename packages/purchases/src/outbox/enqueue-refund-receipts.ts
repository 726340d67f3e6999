import { type DatabaseTransaction, sql } from '@codex/database';
import { renderRefundReceipt } from '@codex/email';
import { enqueuedAtSql } from './send-order';

/** What a receipt needs of the purchase after the money change. */
export interface RefundReceiptsOptions {
  purchaseId: string;
  /** The Stripe refund ids the change carried: only those can have just succeeded. */
  refundIds: readonly string[];
  /** Whether the purchase grants access after the change: what the receipt tells the buyer. */
  keepsAccess: boolean;
  now: Date;
}

/**
 * Queues one receipt per refund of `refundIds` that has succeeded (its furthest status in
 * `stripe_refunds`), in the caller's transaction, under the purchase row's lock. Keyed by the
 * Stripe refund (`refund_receipt:<refund id>`, unique): duplicate and reordered snapshots of one
 * refund, or a `charge.refunded` re-read listing it again, never write a second. Rendered now and
 * stored with the row, since "you keep access" is the purchase's state at this moment, not at
 * the first send. A pending refund gets its receipt when it succeeds; one that later fails gets
 * no retraction (a full refund that fails sends "access restored"). No contact, no confirmation
 * (a buyer never told of the purchase), no receipt. Two statements when a refund succeeded, one
 * otherwise.
 */
export async function enqueueRefundReceipts(
  tx: DatabaseTransaction,
  options: RefundReceiptsOptions,
): Promise<void> {
  const { purchaseId, refundIds, keepsAccess, now } = options;
  if (refundIds.length === 0) return;
  const ids = sql.join(
    refundIds.map((id) => sql`${id}`),
    sql`, `,
  );
  const refunds = (await tx.execute(sql`
    SELECT refund.id, refund.amount_cents, purchase.currency, content.title
    FROM stripe_refunds refund
    JOIN content_purchases purchase ON purchase.id = refund.purchase_id
    LEFT JOIN content ON content.id = purchase.content_id
    WHERE refund.purchase_id = ${purchaseId} AND refund.id IN (${ids})
      AND refund.status = 'succeeded'
      AND EXISTS (SELECT 1 FROM purchase_contacts contact WHERE contact.purchase_id = ${purchaseId})
      AND EXISTS (SELECT 1 FROM email_outbox told WHERE told.purchase_id = ${purchaseId}
                    AND told.kind = 'purchase_confirmation')
      AND NOT EXISTS (SELECT 1 FROM email_outbox sent
                      WHERE sent.dedupe_key = 'refund_receipt:' || refund.id)
    ORDER BY refund.created_at, refund.id`)) as unknown as {
    rows: Array<{ id: string; amount_cents: number; currency: string; title: string | null }>;
  };
  for (const refund of refunds.rows) {
    const rendered = renderRefundReceipt({
      title: refund.title ?? 'your purchase',
      amount: Number(refund.amount_cents),
      currency: String(refund.currency),
      refundedAt: now,
      keepsAccess,
    });
    await tx.execute(sql`
      INSERT INTO email_outbox (purchase_id, kind, dedupe_key, next_attempt_at, created_at,
                                subject, html_body, text_body)
      VALUES (${purchaseId}, 'refund_receipt', ${`refund_receipt:${refund.id}`},
              ${now.toISOString()}::timestamptz, ${enqueuedAtSql(sql`${purchaseId}::uuid`, now)},
              ${rendered.subject}, ${rendered.html}, ${rendered.text})
      ON CONFLICT (dedupe_key) DO NOTHING`);
  }
}
