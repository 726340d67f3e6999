import { type SQL, sql } from '@codex/database';
import { addTestOperator, explainPlan, seedPurchaseVolume } from '@codex/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkAccessManyStatement } from '../access/check-access-many';
import { listSalesStatement } from '../sales/list-sales';
import { summarizeSalesStatement } from '../sales/summarize-sales';
import { staffStatement } from '../staff/query-as-staff';
import { useTestWorld } from '../testing/test-world';
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
let cursors: { purchases: string; library: string; sales: string };
// The seed's one organization: all 20,000 purchases are its sales.
let organizationId: string;
// Sales are read by staff: the statement as the service sends it, the caller's role read with it.
const PLANS_OPERATOR = 'auth0|plans-operator';
const asOperator = () => ({ organizationId, userId: PLANS_OPERATOR });
const asStaffReads = (statement: SQL) => staffStatement(asOperator(), 'read_sales', statement);

beforeAll(async () => {
  await seedPurchaseVolume(world().db, { customers: 50, itemsPerCustomer: 400 });
  const [row] = (
    await world().db.execute<{ customer_id: string }>(
      sql`SELECT customer_id FROM content_purchases WHERE customer_id LIKE 'seed_7_%' LIMIT 1`,
    )
  ).rows;
  customerId = row?.customer_id ?? '';
  const [organization] = (
    await world().db.execute<{ organization_id: string }>(
      sql`SELECT organization_id FROM content_purchases WHERE customer_id = ${customerId} LIMIT 1`,
    )
  ).rows;
  organizationId = organization?.organization_id ?? '';
  await addTestOperator(world().db, PLANS_OPERATOR);
  const buyer = world().buyer();
  cursors = {
    purchases: (await buyer.listPurchases(customerId, { limit: 3 })).nextCursor ?? '',
    library: (await buyer.listLibrary(customerId, { limit: 3 })).nextCursor ?? '',
    sales: (await world().sales().listSales(asOperator(), {}, { limit: 3 })).nextCursor ?? '',
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

describe('query plans of the organization sales reads', () => {
  it('sales list, first and next page, with and without a date range: one ordered range of the sales index, no sort', async () => {
    const range = { from: new Date(Date.now() - 30 * 86_400_000), to: new Date() };
    for (const cursor of [undefined, cursors.sales]) {
      for (const filters of [{}, range]) {
        const plan = await explainPlan(
          world().db,
          asStaffReads(listSalesStatement(organizationId, filters, { limit: 20, cursor })),
        );
        expectIndexOnPurchases(plan, 'content_purchases_organization_sales_idx');
        expect(plan).toMatch(/Index Cond: \(+organization_id = /);
        expect(plan).not.toMatch(/Sort/);
        if (cursor) expect(plan).toMatch(/ROW\(created_at, id\) < ROW\(/);
        // The caller's role: two primary-key lookups, and the page runs only if it allows reads
        // (a Limit whose count is 0 for any other role: query-as-staff.test.ts proves it runs
        // nothing then, on every planner).
        expect(plan).toMatch(/Index (Only )?Scan using platform_operators_pkey/);
        expect(plan).toMatch(
          /Index (Only )?Scan using organization_members_organization_id_user_id_pk/,
        );
        expect(plan).toMatch(/Limit/);
      }
    }
  });

  it('sales list filtered by a status, with and without a range: one ordered range of the status index, no sort', async () => {
    // The buyer status is derived (a CASE): the status index holds that expression, so a page of
    // a rare status is read in order and stops after one page, however many sales there are.
    const range = { from: new Date(Date.now() - 30 * 86_400_000), to: new Date() };
    for (const filters of [
      { status: 'refunded' as const },
      { ...range, status: 'refunded' as const },
    ]) {
      const plan = await explainPlan(
        world().db,
        asStaffReads(listSalesStatement(organizationId, filters, { limit: 20 })),
      );
      expectIndexOnPurchases(plan, 'content_purchases_organization_status_idx');
      expect(plan).toMatch(/Index Cond: \(+organization_id = .+CASE/s);
      expect(plan).not.toMatch(/Sort/);
    }
  });

  it('export page of 1,000 rows: the same ordered range, no sort', async () => {
    const plan = await explainPlan(
      world().db,
      asStaffReads(listSalesStatement(organizationId, {}, { limit: 1000, maxLimit: 1000 })),
    );
    expectIndexOnPurchases(plan, 'content_purchases_organization_sales_idx');
    expect(plan).not.toMatch(/Sort/);
  });

  it('summary: one range read of the sales index for totals and days, no table scan', async () => {
    const plan = await explainPlan(
      world().db,
      asStaffReads(
        summarizeSalesStatement(organizationId, {
          from: new Date(Date.now() - 30 * 86_400_000),
          to: new Date(),
        }),
      ),
    );
    // An aggregate reads every row of the range, so a bitmap scan (pages in physical order) is as
    // good as an ordered one; what matters is that the index bounds it by organization and dates.
    expect(plan).toMatch(
      /(Bitmap Index Scan on|Index (Only )?Scan using) content_purchases_organization_sales_idx/,
    );
    expect(plan).toMatch(/Index Cond: \(\(organization_id = .+\) AND \(created_at >= /);
    expect(plan).not.toMatch(/Seq Scan/);
    expect(plan.match(/Index Scan (using|on) content_purchases_/g)).toHaveLength(1);
  });
});
