import { type Database, type SQL, sql } from '@codex/database';
import { createTestOrganization } from './factories';

export interface SeedPurchaseVolumeOptions {
  /** Customers to create (`seed_<n>_<random>`); default 300. */
  customers?: number;
  /** Purchases per customer, one per content item; default 20. */
  itemsPerCustomer?: number;
}

/**
 * Fills `content_purchases` with a realistic volume (default 300 customers × 20 items = 6,000 rows:
 * completed, pending, failed, refunded and disputed, spread over months) and runs `ANALYZE`, so
 * the planner chooses between indexes as it would in production rather than on an empty table.
 * For query-plan tests; one statement per table.
 */
export async function seedPurchaseVolume(
  db: Database,
  options: SeedPurchaseVolumeOptions = {},
): Promise<void> {
  const customers = options.customers ?? 300;
  const items = options.itemsPerCustomer ?? 20;
  const tag = crypto.randomUUID().slice(0, 8);
  const organization = await createTestOrganization(db, { name: `Seed ${tag}` });
  await db.execute(sql`
    INSERT INTO content (organization_id, title, price_cents, currency, status)
    SELECT ${organization.id}, 'Seed item ' || n, 500, 'usd', 'published'
    FROM generate_series(1, ${items}) n
  `);
  // (c + n) % 10 picks the state: 0 failed, 1 pending, 2 fully refunded, 3 disputed, else completed.
  await db.execute(sql`
    INSERT INTO content_purchases (customer_id, content_id, organization_id, price_paid_cents,
      currency, status, purchased_at, refunded_at, amount_refunded_cents, dispute_status, created_at)
    SELECT 'seed_' || c || '_' || ${tag}, item.id, item.organization_id, 500, 'usd',
      CASE (c + item.n) % 10 WHEN 0 THEN 'failed' WHEN 1 THEN 'pending' ELSE 'completed' END,
      CASE WHEN (c + item.n) % 10 > 1 THEN now() - (c * item.n) * interval '1 hour' END,
      CASE WHEN (c + item.n) % 10 = 2 THEN now() END,
      CASE WHEN (c + item.n) % 10 = 2 THEN 500 ELSE 0 END,
      CASE WHEN (c + item.n) % 10 = 3 THEN 'open' END,
      now() - (c * item.n) * interval '1 hour'
    FROM generate_series(1, ${customers}) c,
      (SELECT id, organization_id, row_number() OVER (ORDER BY id) AS n
       FROM content WHERE organization_id = ${organization.id}) item
  `);
  await db.execute(sql`ANALYZE content_purchases, content`);
}

/**
 * The plan Postgres chooses for `statement` (its parameters bound, as the driver sends them), as
 * EXPLAIN's text. Sequential scans are switched off for the one transaction, as the access check's
 * plan test always did: the plan then shows whether an index can answer the query at all, and which
 * index the planner prefers among those that can.
 */
export async function explainPlan(db: Database, statement: SQL): Promise<string> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL enable_seqscan = off`);
    const result = await tx.execute(sql`EXPLAIN ${statement}`);
    return result.rows.map((row) => String(Object.values(row)[0])).join('\n');
  });
}
