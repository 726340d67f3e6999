import { grantsAccessSql, purchaseRuleColumnsOf, type SQL, sql } from '@codex/database';
import type { Executor } from '../fulfillment/context';
import { enqueuedAtSql } from './send-order';

/**
 * An `INSERT` (to run alone or as a part of a data-modifying CTE) queueing the confirmation e-mail
 * of every purchase id `purchaseIds` selects (a one-column query). The caller selects only
 * purchases completed by its own statement that have a contact. The dedupe key
 * (`purchase_confirmation:<purchase id>`) is unique: a purchase is confirmed once, whichever
 * trigger (webhook, success page, reconciliation) completed it and however often.
 */
export function insertConfirmationEmails(purchaseIds: SQL, now: Date): SQL {
  const at = now.toISOString();
  return sql`
    INSERT INTO email_outbox (purchase_id, kind, dedupe_key, next_attempt_at, created_at)
    SELECT confirmed.id, 'purchase_confirmation', 'purchase_confirmation:' || confirmed.id::text,
           ${at}::timestamptz, ${at}::timestamptz
    FROM (${purchaseIds}) AS confirmed (id)
    ON CONFLICT (dedupe_key) DO NOTHING`;
}

/**
 * Queues the confirmation of a purchase that was just completed in the caller's transaction (or
 * statement), if its buyer left an address and the purchase grants access now: not while a
 * dispute is open, nor when a full refund or a lost dispute arrived before the completion. The
 * buyer is never told "purchase complete" for something they cannot play; if access comes later
 * (the dispute won, the refund failed), {@link enqueueAccessGrantedEmail} sends the confirmation
 * then.
 */
export async function enqueueConfirmationEmail(
  db: Executor,
  purchaseId: string,
  now: Date,
): Promise<void> {
  await db.execute(
    insertConfirmationEmails(
      sql`SELECT contact.purchase_id FROM purchase_contacts contact
          JOIN content_purchases purchase ON purchase.id = contact.purchase_id
          WHERE contact.purchase_id = ${purchaseId} AND purchase.status = 'completed'
            AND ${grantsAccessSql(purchaseRuleColumnsOf('purchase'))}`,
      now,
    ),
  );
}

/**
 * Queues the "access revoked" e-mail of a completed purchase that has just lost access for good
 * (a refund past the policy, or a lost dispute), in the caller's transaction, which holds the
 * purchase row's lock. The dedupe key is `access_revoked:<purchase id>:<n>`, n counting this
 * purchase's revocations: a refund that fails gives access back, and a later full refund is a new
 * event, a second e-mail; the same revocation (a duplicate or late event) never reaches here twice
 * because the transition from "grants access" to "revoked" happens once under the lock, and the
 * unique key stops a second row even if it did. No contact, no row; no confirmation, no row
 * either: a buyer never told of access (completed while a dispute was open) is not told it ended.
 */
export async function enqueueAccessRevokedEmail(
  db: Executor,
  purchaseId: string,
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  await db.execute(sql`
    INSERT INTO email_outbox (purchase_id, kind, dedupe_key, next_attempt_at, created_at)
    SELECT contact.purchase_id, 'access_revoked',
           'access_revoked:' || contact.purchase_id::text || ':' || (1 + (
             SELECT count(*) FROM email_outbox previous
             WHERE previous.purchase_id = contact.purchase_id AND previous.kind = 'access_revoked'
           ))::text,
           ${at}::timestamptz, ${enqueuedAtSql(sql`contact.purchase_id`, now)}
    FROM purchase_contacts contact
    WHERE contact.purchase_id = ${purchaseId}
      AND EXISTS (SELECT 1 FROM email_outbox told
                  WHERE told.purchase_id = contact.purchase_id
                    AND told.kind = 'purchase_confirmation')
    ON CONFLICT (dedupe_key) DO NOTHING`);
}

/**
 * A completed purchase has just started granting access again (a dispute won, a refund that had
 * ended access failed), in the caller's transaction, under the purchase row's lock. A buyer never
 * told of the purchase gets its confirmation now (`purchase_confirmation:<id>`, the same key as at
 * completion, so once); a buyer told "access ended" n times gets "access restored" for the n-th
 * revocation (`access_restored:<id>:<n>`, once per revocation, whatever the duplicates); a buyer
 * told nothing since the confirmation (access merely suspended by an open dispute) gets nothing.
 * One statement; no contact, no row.
 */
export async function enqueueAccessGrantedEmail(
  db: Executor,
  purchaseId: string,
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  await db.execute(sql`
    WITH confirmation AS (
      INSERT INTO email_outbox (purchase_id, kind, dedupe_key, next_attempt_at, created_at)
      SELECT contact.purchase_id, 'purchase_confirmation',
             'purchase_confirmation:' || contact.purchase_id::text, ${at}::timestamptz, ${at}::timestamptz
      FROM purchase_contacts contact
      WHERE contact.purchase_id = ${purchaseId}
      ON CONFLICT (dedupe_key) DO NOTHING
      RETURNING id
    )
    INSERT INTO email_outbox (purchase_id, kind, dedupe_key, next_attempt_at, created_at)
    SELECT contact.purchase_id, 'access_restored',
           'access_restored:' || contact.purchase_id::text || ':' || told.revocations::text,
           ${at}::timestamptz, ${enqueuedAtSql(sql`contact.purchase_id`, now)}
    FROM purchase_contacts contact
    CROSS JOIN LATERAL (
      SELECT count(*) AS revocations FROM email_outbox revoked
      WHERE revoked.purchase_id = contact.purchase_id AND revoked.kind = 'access_revoked'
    ) told
    WHERE contact.purchase_id = ${purchaseId} AND told.revocations > 0
      AND NOT EXISTS (SELECT 1 FROM confirmation)
    ON CONFLICT (dedupe_key) DO NOTHING`);
}
