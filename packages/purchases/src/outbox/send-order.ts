import { type SQL, sql } from '@codex/database';
import { mayBeRevivedSql } from './revive-dead-messages';

/**
 * The send order of one purchase's messages, as a condition on the outbox row `row` (an alias, or
 * the table's name in an `UPDATE`): true when no earlier message of the same purchase still waits
 * to reach the provider. Earlier means enqueued before, `(created_at, id)`: the writers give each
 * later message of a purchase a later `created_at` ({@link enqueuedAtSql}), under the purchase
 * row's lock. An earlier message waits while it is `pending` (due or backing off), `sending`, or
 * dead but still revivable by the cron (an outage error inside the revival window): the buyer must
 * not read "access ended" before "purchase complete". A message dead for good (a permanent
 * refusal, no contact, or past the revival window) no longer holds the later ones back.
 *
 * Settled by the database, not by the consumer: what holds a message back only ever stops doing
 * so (a message enqueued later is never earlier; a row becomes `pending` again only from
 * `sending` or from a revivable dead letter, both of which already held it back), so a claim that
 * sees nothing waiting stays right whatever runs concurrently.
 */
export function isNextInLineSql(row: string, now: Date): SQL {
  const column = (name: string) => sql.raw(`${row}.${name}`);
  return sql`NOT EXISTS (
    SELECT 1 FROM email_outbox earlier
    WHERE earlier.purchase_id = ${column('purchase_id')}
      AND (earlier.created_at, earlier.id) < (${column('created_at')}, ${column('id')})
      AND (earlier.status IN ('pending', 'sending') OR ${mayBeRevivedSql('earlier', now)}))`;
}

/**
 * `created_at` for a message of `purchaseId` enqueued at `at`: `at`, or just after the purchase's
 * latest message if that one is later (a clock behind another worker's, or two messages written
 * in one transaction). Under the purchase row's lock this makes enqueue order and `created_at`
 * order the same, which {@link isNextInLineSql} relies on.
 */
export function enqueuedAtSql(purchaseId: SQL, at: Date): SQL {
  return sql`GREATEST(${at.toISOString()}::timestamptz, (
    SELECT max(latest.created_at) + interval '1 microsecond' FROM email_outbox latest
    WHERE latest.purchase_id = ${purchaseId}))`;
}
