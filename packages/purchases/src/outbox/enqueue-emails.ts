import { holdsPurchaseSlotSql, purchaseRuleColumnsOf, type SQL, sql } from '@codex/database';
import type { Executor } from '../fulfillment/context';

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
 * statement), if its buyer left an address and the money has not already been taken back (a full
 * refund or a lost dispute that arrived before the completion, so that the purchase no longer
 * holds its slot: the buyer is not told "purchase complete" for a purchase that gives no access).
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
            AND ${holdsPurchaseSlotSql(purchaseRuleColumnsOf('purchase'))}`,
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
 * unique key stops a second row even if it did. No contact, no row.
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
           ${at}::timestamptz, ${at}::timestamptz
    FROM purchase_contacts contact
    WHERE contact.purchase_id = ${purchaseId}
    ON CONFLICT (dedupe_key) DO NOTHING`);
}
