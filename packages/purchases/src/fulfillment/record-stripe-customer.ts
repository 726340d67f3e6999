import { type SQL, sql } from '@codex/database';
import type { Executor } from './context';

/**
 * An `INSERT` (alone, or a part of a data-modifying CTE) recording `stripeCustomerId`, the Customer
 * a completed session names, as the buyer's one Stripe Customer, for each purchase `paid` selects
 * (two columns: purchase id, buyer id), with the address the buyer gave at checkout. A buyer who
 * has one already keeps it (`ON CONFLICT DO NOTHING` on either key): the Customer Checkout created
 * for a first checkout paid meanwhile stays unused. Nothing when the session names no Customer
 * (Customer reuse off: Checkout creates none).
 */
export function recordStripeCustomerSql(paid: SQL, stripeCustomerId: string | null): SQL {
  return sql`
    INSERT INTO stripe_customers (customer_id, stripe_customer_id, email)
    SELECT paid.customer_id, ${stripeCustomerId}::text,
           (SELECT contact.email FROM purchase_contacts contact WHERE contact.purchase_id = paid.id)
    FROM (${paid}) AS paid (id, customer_id)
    WHERE ${stripeCustomerId}::text IS NOT NULL
    ON CONFLICT DO NOTHING`;
}

/** {@link recordStripeCustomerSql} for one purchase just completed, in the caller's transaction. */
export async function recordStripeCustomer(
  db: Executor,
  purchaseId: string,
  stripeCustomerId: string | undefined,
): Promise<void> {
  if (!stripeCustomerId) return;
  await db.execute(
    recordStripeCustomerSql(
      sql`SELECT id, customer_id FROM content_purchases WHERE id = ${purchaseId}::uuid`,
      stripeCustomerId,
    ),
  );
}
