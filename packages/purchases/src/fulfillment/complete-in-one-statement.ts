import { grantsAccessSql, purchaseRuleColumnsOf, queryRows, sql } from '@codex/database';
import { insertConfirmationEmails } from '../outbox/enqueue-emails';
import type { FulfillmentContext, PurchaseIds } from './context';
import { recordStripeCustomerSql } from './record-stripe-customer';
import {
  isPaid,
  matchesSessionAmounts,
  refundedAtAgainstCharged,
  sessionAmounts,
} from './session-amounts';
import { type CheckoutSessionSnapshot, idOf } from './stripe-events';

/** What the one statement found: a delivery seen before, the purchase it completed, or neither. */
export type OneStatementOutcome =
  | { status: 'duplicate' }
  | { status: 'completed'; ids: PurchaseIds }
  /** Not the common case: the careful path decides (and records the event in the inbox). */
  | { status: 'undecided' };

/**
 * The common webhook in one statement, one round trip: a completion event whose paid session
 * matches its pending purchase exactly (linked session, currency, every id it carries, and the
 * amount check of `matchesSessionAmounts`: subtotal, discount, tax, total, payment status against
 * the options the purchase was created with) completes it, records what was charged, enters the
 * inbox, queues the buyer's confirmation e-mail (when the checkout stored an address) and records
 * the session's Stripe Customer as the buyer's (`recordStripeCustomerSql`) together; an event id already in the inbox is a duplicate and
 * changes nothing. Every other case (a mismatch to flag, an unpaid session, a purchase no longer
 * pending, money events) is `undecided` and writes nothing, so the careful path still records the
 * event exactly once. Two deliveries racing: the row lock makes the second see the purchase
 * completed and fall to the careful path, whose inbox insert then conflicts.
 */
export async function completeInOneStatement(
  ctx: FulfillmentContext,
  event: { id: string; type: string },
  session: CheckoutSessionSnapshot,
): Promise<OneStatementOutcome> {
  const amounts = sessionAmounts(session);
  const metadata = session.metadata ?? {};
  const matchable = isPaid(session) && amounts !== undefined && Boolean(session.currency);
  // Text comparisons: a malformed id in a payload cannot fail the statement, only not match (the
  // careful path then says why).
  const clientReference = session.client_reference_id || null;
  const claimedPurchase = metadata.purchaseId || null;
  const claimedContent = metadata.contentId || null;
  const claimedCustomer = metadata.customerId || null;
  const clock = ctx.clock();
  const now = clock.toISOString();
  const paymentIntentId = idOf(session.payment_intent) ?? null;
  const rows = await queryRows<{
    seen: boolean;
    purchase_id: string | null;
    content_id: string | null;
  }>(
    ctx.hot,
    sql`
    WITH seen AS (
      SELECT 1 FROM stripe_webhook_events WHERE id = ${event.id}
    ),
    completed AS (
      UPDATE content_purchases
      SET status = 'completed', purchased_at = ${now}::timestamptz, updated_at = ${now}::timestamptz,
          stripe_payment_intent_id = coalesce(${paymentIntentId}::text, stripe_payment_intent_id),
          amount_discount_cents = ${amounts?.discount ?? null}::int,
          amount_tax_cents = ${amounts?.tax ?? null}::int,
          amount_total_cents = ${amounts?.total ?? null}::int,
          refunded_at = ${refundedAtAgainstCharged(amounts?.total ?? 0, now)}
      WHERE ${matchable} AND NOT EXISTS (SELECT 1 FROM seen)
        AND stripe_checkout_session_id = ${session.id} AND status = 'pending'
        AND ${amounts ? matchesSessionAmounts(amounts) : sql`false`}
        AND currency = ${(session.currency ?? '').toLowerCase()}
        AND (${clientReference}::text IS NULL OR id::text = ${clientReference})
        AND (${claimedPurchase}::text IS NULL OR id::text = ${claimedPurchase})
        AND (${claimedContent}::text IS NULL OR content_id::text = ${claimedContent})
        AND (${claimedCustomer}::text IS NULL OR customer_id = ${claimedCustomer})
      RETURNING id, content_id, customer_id, status, refunded_at, refund_keeps_access, dispute_status
    ),
    customer AS (
      ${recordStripeCustomerSql(sql`SELECT id, customer_id FROM completed`, idOf(session.customer) ?? null)}
    ),
    recorded AS (
      INSERT INTO stripe_webhook_events (id, type, processed_at)
      SELECT ${event.id}, ${event.type}, ${now}::timestamptz FROM completed
      ON CONFLICT DO NOTHING
      RETURNING id
    ),
    confirmation AS (
      ${insertConfirmationEmails(
        sql`SELECT completed.id FROM completed
            JOIN purchase_contacts contact ON contact.purchase_id = completed.id
            WHERE ${grantsAccessSql(purchaseRuleColumnsOf('completed'))}`,
        clock,
      )}
    )
    SELECT EXISTS (SELECT 1 FROM seen) AS seen,
           (SELECT id FROM completed) AS purchase_id,
           (SELECT content_id FROM completed) AS content_id
  `,
  );
  const row = rows[0];
  if (row?.seen) return { status: 'duplicate' };
  if (row?.purchase_id && row.content_id) {
    return { status: 'completed', ids: { purchaseId: row.purchase_id, contentId: row.content_id } };
  }
  return { status: 'undecided' };
}
