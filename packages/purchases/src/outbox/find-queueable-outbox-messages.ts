import { type Queryable, queryRows, sql } from '@codex/database';
import { isNextInLineSql } from './send-order';

/**
 * The ids of a purchase's outbox rows that are waiting for their first (or next) send: `pending`,
 * due, and next in line (no earlier message of the purchase still waiting, see `isNextInLineSql`):
 * a message held back is queued by the consumer once the earlier one is sent or dead. What a worker enqueues after the transaction that wrote them committed, without the
 * writers having to return ids. A row already in the queue may be returned again (a duplicate
 * webhook's request): delivering an id twice is safe (`deliverOutboxMessage` skips the second).
 * One indexed statement (`email_outbox_purchase_id_idx`); a purchase has a handful of rows.
 */
export async function findQueueableOutboxMessagesOf(
  db: Queryable,
  purchaseId: string,
  now: Date = new Date(),
): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`SELECT id FROM email_outbox
        WHERE purchase_id = ${purchaseId}::uuid AND status = 'pending'
          AND next_attempt_at <= ${now.toISOString()}::timestamptz
          AND ${isNextInLineSql('email_outbox', now)}
        ORDER BY created_at, id`,
  );
  return rows.map((row) => String(row.id));
}
