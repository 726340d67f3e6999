import { sql } from '@codex/database';
import { explainPlan, seedPurchaseVolume } from '@codex/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestWorld } from '../testing/test-world';
import { checkAccessManyStatement } from './check-access-many';
import { getPurchaseStatement } from './get-purchase';
import { listLibraryStatement } from './list-library';
import { listPurchasesStatement } from './list-purchases';

// The plans of the buyer reads, as the planner chooses them among all the indexes on a table of
// 20,000 analysed purchases, 400 per customer (sequential scans off, as for the access check's own
// test). With a few purchases per customer any plan is cheap (the planner then rightly sorts a
// customer's 20 rows); what matters is the buyer with many, where a page must be a range read.
const world = useTestWorld();

// A customer of the seed (`seed_<n>_<tag>`) with purchases in every state.
let customerId: string;
let cursors: { purchases: string; library: string };

beforeAll(async () => {
  await seedPurchaseVolume(world().db, { customers: 50, itemsPerCustomer: 400 });
  const [row] = (
    await world().db.execute<{ customer_id: string }>(
      sql`SELECT customer_id FROM content_purchases WHERE customer_id LIKE 'seed_7_%' LIMIT 1`,
    )
  ).rows;
  customerId = row?.customer_id ?? '';
  const buyer = world().buyer();
  cursors = {
    purchases: (await buyer.listPurchases(customerId, { limit: 3 })).nextCursor ?? '',
    library: (await buyer.listLibrary(customerId, { limit: 3 })).nextCursor ?? '',
  };
});

/** The access path to content_purchases in `plan`: never a sequential scan of it. */
function expectIndexOnPurchases(plan: string, index: string) {
  expect(plan).toMatch(new RegExp(`Index (Only )?Scan using ${index} on content_purchases`));
  expect(plan).not.toMatch(/Seq Scan on content_purchases/);
}

describe('query plans of the buyer reads', () => {
  it('history, first and next page: one ordered range of the history index, no sort', async () => {
    for (const cursor of [undefined, cursors.purchases]) {
      const plan = await explainPlan(
        world().db,
        listPurchasesStatement(customerId, { limit: 20, cursor }),
      );
      expectIndexOnPurchases(plan, 'content_purchases_customer_history_idx');
      expect(plan).toMatch(/Index Cond: \(+customer_id = /);
      expect(plan).not.toMatch(/Sort/);
      if (cursor) expect(plan).toMatch(/ROW\(created_at, id\) < ROW\(/);
    }
  });

  it('one purchase: one probe of the primary key', async () => {
    const plan = await explainPlan(
      world().db,
      getPurchaseStatement(customerId, crypto.randomUUID()),
    );
    expectIndexOnPurchases(plan, 'content_purchases_pkey');
  });

  it('library, first and next page: one ordered range of the library index, no filter, no sort', async () => {
    for (const cursor of [undefined, cursors.library]) {
      const plan = await explainPlan(
        world().db,
        listLibraryStatement(customerId, { limit: 20, cursor }),
      );
      expectIndexOnPurchases(plan, 'content_purchases_library_idx');
      expect(plan).not.toMatch(/Sort/);
      // The access rule is the index's own predicate: nothing left to filter on content_purchases.
      expect(plan).not.toMatch(/Filter: .*status/);
      if (cursor) expect(plan).toMatch(/ROW\(purchased_at, id\) < ROW\(/);
    }
  });

  it('batch access check: the slot index probed by (customer_id, content_id)', async () => {
    const owned = (
      await world().db.execute<{ content_id: string }>(
        sql`SELECT content_id FROM content_purchases WHERE customer_id = ${customerId} LIMIT 100`,
      )
    ).rows.map((row) => row.content_id);
    // A player page asking about a handful of items: one probe per id.
    const few = [...owned.slice(0, 4), crypto.randomUUID()];
    const plan = await explainPlan(world().db, checkAccessManyStatement(customerId, few));
    expect(plan).toMatch(
      /(Bitmap )?Index (Only )?Scan (using|on) content_purchases_one_active_per_customer_content/,
    );
    expect(plan).toMatch(/Index Cond: \(\(customer_id = .+\) AND \(content_id = ANY /);
    expect(plan).not.toMatch(/Seq Scan/);
  });

  it('batch access check of 100 ids: still indexed by the customer, never a table scan', async () => {
    // With 100 ids the planner may prefer the customer's library (the access rule is its index's
    // predicate) combined with the content index over 100 probes: a customer-sized read either way.
    const owned = (
      await world().db.execute<{ content_id: string }>(
        sql`SELECT content_id FROM content_purchases WHERE customer_id = ${customerId} LIMIT 100`,
      )
    ).rows.map((row) => row.content_id);
    const plan = await explainPlan(world().db, checkAccessManyStatement(customerId, owned));
    expect(plan).toMatch(
      /Index Scan (using|on) content_purchases_(one_active_per_customer_content|library_idx)/,
    );
    expect(plan).toMatch(/Index Cond: \(+customer_id = /);
    expect(plan).not.toMatch(/Seq Scan/);
  });
});
