import { contentPurchases, type NewContentPurchase } from '@codex/database';
import {
  addTestMember,
  createTestContent,
  createTestOrganization,
  createTestUser,
} from '@codex/test-utils';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { PageOptions } from '../buyer/page-options';
import { isPurchaseError } from '../purchase-error';
import { useTestWorld } from '../testing/test-world';
import type { Sale } from './sale';
import type { SalesFilters } from './sales-filters';
import type { SalesTotals } from './summarize-sales';

const world = useTestWorld();

type SaleState = Partial<
  Pick<
    NewContentPurchase,
    | 'status'
    | 'refundedAt'
    | 'amountRefundedCents'
    | 'disputeStatus'
    | 'purchasedAt'
    | 'createdAt'
    | 'amountTotalCents'
    | 'pricePaidCents'
    | 'currency'
  >
>;

/** Staff of every organization {@link newOrganization} creates, as a `member` (who may read sales). */
const SALES_STAFF = 'auth0|sales-member';
const asStaff = (organizationId: string) => ({ organizationId, userId: SALES_STAFF });

/** A new organization with `items` content items, and {@link SALES_STAFF} its member. */
async function newOrganization(items = 2) {
  const organization = await createTestOrganization(world().db);
  await addTestMember(world().db, organization.id, SALES_STAFF, 'member');
  const content = [];
  for (let index = 0; index < items; index++) {
    content.push(
      await createTestContent(world().db, {
        organizationId: organization.id,
        priceCents: 800,
        title: `Item "${index}", with, commas`,
      }),
    );
  }
  return { organizationId: organization.id, content };
}

/** Inserts one sale per state (each by a new customer) of `contentId`, in one statement. */
async function insertSales(organizationId: string, contentId: string, states: SaleState[]) {
  if (states.length === 0) return [];
  return world()
    .db.insert(contentPurchases)
    .values(
      states.map((state) => ({
        customerId: createTestUser(),
        contentId,
        organizationId,
        pricePaidCents: 800,
        currency: 'eur',
        ...state,
      })),
    )
    .returning();
}

const at = (iso: string) => new Date(iso);
const completed = (createdAt: string, more: SaleState = {}): SaleState => ({
  status: 'completed',
  createdAt: at(createdAt),
  purchasedAt: at(createdAt),
  ...more,
});

async function walk(
  organizationId: string,
  filters: SalesFilters,
  limit: number,
): Promise<Sale[][]> {
  const pages: Sale[][] = [];
  let cursor: string | undefined;
  do {
    const options: PageOptions = { limit, cursor };
    const page = await world().sales().listSales(asStaff(organizationId), filters, options);
    pages.push(page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return pages;
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('listSales', () => {
  it('lists only the organization’s sales, newest first, with the buyer’s customer id and the charged amount', async () => {
    const { organizationId, content } = await newOrganization(1);
    const other = await newOrganization(1);
    const item = content[0]?.id ?? '';
    const [older, newer] = await insertSales(organizationId, item, [
      completed('2026-03-01T10:00:00Z'),
      completed('2026-03-02T10:00:00Z', { amountTotalCents: 700, pricePaidCents: 800 }),
    ]);
    await insertSales(other.organizationId, other.content[0]?.id ?? '', [
      completed('2026-03-03T10:00:00Z'),
    ]);
    const page = await world().sales().listSales(asStaff(organizationId));
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((sale) => sale.purchaseId)).toEqual([newer?.id, older?.id]);
    expect(page.items[0]).toEqual({
      purchaseId: newer?.id,
      contentId: item,
      contentTitle: content[0]?.title,
      amountCents: 700,
      currency: 'eur',
      amountRefundedCents: 0,
      disputeStatus: null,
      status: 'completed',
      hasAccess: true,
      customerId: newer?.customerId,
      createdAt: at('2026-03-02T10:00:00Z'),
      purchasedAt: at('2026-03-02T10:00:00Z'),
      refundedAt: null,
    });
    expect(page.items[1]?.amountCents).toBe(800);
    expect(JSON.stringify(page)).not.toMatch(/@/);
  });

  it('filters by buyer status, content and created-at range (from inclusive, to exclusive)', async () => {
    const { organizationId, content } = await newOrganization(2);
    const [first, second] = content.map((item) => item.id);
    const rows = await insertSales(organizationId, first ?? '', [
      completed('2026-04-01T00:00:00Z'),
      completed('2026-04-02T00:00:00Z', { amountRefundedCents: 800, refundedAt: new Date() }),
      completed('2026-04-03T00:00:00Z', { disputeStatus: 'open' }),
      { status: 'pending', createdAt: at('2026-04-04T00:00:00Z') },
    ]);
    const [ofSecond] = await insertSales(organizationId, second ?? '', [
      completed('2026-04-05T00:00:00Z', { amountRefundedCents: 100 }),
    ]);
    const ids = async (filters: SalesFilters) =>
      (await world().sales().listSales(asStaff(organizationId), filters)).items.map(
        (sale) => sale.purchaseId,
      );
    expect(await ids({ status: 'refunded' })).toEqual([rows[1]?.id]);
    expect(await ids({ status: 'disputed' })).toEqual([rows[2]?.id]);
    expect(await ids({ status: 'pending' })).toEqual([rows[3]?.id]);
    expect(await ids({ status: 'partially_refunded' })).toEqual([ofSecond?.id]);
    expect(await ids({ status: 'failed' })).toEqual([]);
    expect(await ids({ contentId: second })).toEqual([ofSecond?.id]);
    expect(await ids({ from: at('2026-04-02T00:00:00Z'), to: at('2026-04-04T00:00:00Z') })).toEqual(
      [rows[2]?.id, rows[1]?.id],
    );
    expect(
      await ids({ contentId: first, status: 'completed', to: at('2026-04-02T00:00:00Z') }),
    ).toEqual([rows[0]?.id]);
  });

  it('walks every sale exactly once in pages, including sales created in the same instant', async () => {
    const { organizationId, content } = await newOrganization(1);
    const instant = '2026-05-01T12:00:00Z';
    const rows = await insertSales(
      organizationId,
      content[0]?.id ?? '',
      Array.from({ length: 11 }, (_, index) =>
        completed(index < 6 ? instant : `2026-05-0${(index % 8) + 1}T00:00:00Z`),
      ),
    );
    const pages = await walk(organizationId, {}, 3);
    expect(pages.map((page) => page.length)).toEqual([3, 3, 3, 2]);
    const walked = pages.flat();
    expect(walked.map((sale) => sale.purchaseId).sort()).toEqual(rows.map((row) => row.id).sort());
    const keys = walked.map((sale) => [sale.createdAt.getTime(), sale.purchaseId] as const);
    const sorted = [...keys].sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? 1 : -1));
    expect(keys).toEqual(sorted);
  });

  it('refuses a tampered cursor and another list’s cursor with INVALID_CURSOR', async () => {
    const { organizationId, content } = await newOrganization(2);
    const customerId = createTestUser();
    await world()
      .db.insert(contentPurchases)
      .values(
        content.map((item) => ({
          customerId,
          contentId: item.id,
          organizationId,
          pricePaidCents: 800,
          currency: 'eur',
        })),
      );
    const salesCursor = (await world().sales().listSales(asStaff(organizationId), {}, { limit: 1 }))
      .nextCursor;
    const historyCursor = (await world().buyer().listPurchases(customerId, { limit: 1 }))
      .nextCursor;
    expect(salesCursor).not.toBeNull();
    expect(historyCursor).not.toBeNull();
    for (const cursor of ['not-a-cursor', `${salesCursor}x`, historyCursor ?? '']) {
      const error = await caught(
        world().sales().listSales(asStaff(organizationId), {}, { cursor }),
      );
      expect(isPurchaseError(error) && error.code).toBe('INVALID_CURSOR');
    }
    const error = await caught(
      world()
        .buyer()
        .listPurchases(customerId, { cursor: salesCursor ?? '' }),
    );
    expect(isPurchaseError(error) && error.code).toBe('INVALID_CURSOR');
  });

  it('exports in pages of 1,000 rows', async () => {
    const { organizationId, content } = await newOrganization(1);
    await insertSales(
      organizationId,
      content[0]?.id ?? '',
      Array.from({ length: 1001 }, () => completed('2026-07-01T00:00:00Z')),
    );
    const first = await world().sales().exportSalesPage(asStaff(organizationId));
    expect(first.items).toHaveLength(1000);
    const second = await world()
      .sales()
      .exportSalesPage(asStaff(organizationId), {}, first.nextCursor ?? undefined);
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
  });
});

describe('summarizeSales', () => {
  it('counts completed sales per currency and per UTC day, with the documented measures', async () => {
    const { organizationId, content } = await newOrganization(1);
    const item = content[0]?.id ?? '';
    await insertSales(organizationId, item, [
      // 1,000 charged (total recorded), 300 refunded: keeps 700.
      completed('2026-08-01T23:30:00Z', { amountTotalCents: 1000, amountRefundedCents: 300 }),
      // 800 under an open dispute: disputed, not deducted yet.
      completed('2026-08-01T01:00:00Z', { disputeStatus: 'open' }),
      // 800, 200 refunded, then lost: disputed; keeps nothing (600 lost on top of the 200 refunded).
      completed('2026-08-02T00:00:00Z', { disputeStatus: 'lost', amountRefundedCents: 200 }),
      // Another currency.
      completed('2026-08-02T10:00:00Z', { currency: 'usd', pricePaidCents: 500 }),
      // Not sales: pending and failed, whatever their amounts.
      { status: 'pending', createdAt: at('2026-08-01T05:00:00Z') },
      { status: 'failed', createdAt: at('2026-08-01T06:00:00Z') },
      // Outside the range.
      completed('2026-08-03T00:00:00Z'),
    ]);
    const summary = await world()
      .sales()
      .summarizeSales(asStaff(organizationId), {
        from: at('2026-08-01T00:00:00Z'),
        to: at('2026-08-03T00:00:00Z'),
      });
    expect(summary.currencies).toEqual([
      {
        currency: 'eur',
        count: 3,
        grossCents: 2600,
        refundedCents: 500,
        disputedCents: 1600,
        netCents: 1500,
      },
      {
        currency: 'usd',
        count: 1,
        grossCents: 500,
        refundedCents: 0,
        disputedCents: 0,
        netCents: 500,
      },
    ]);
    expect(summary.byDay).toEqual([
      {
        day: '2026-08-01',
        currency: 'eur',
        count: 2,
        grossCents: 1800,
        refundedCents: 300,
        disputedCents: 800,
        netCents: 1500,
      },
      {
        day: '2026-08-02',
        currency: 'eur',
        count: 1,
        grossCents: 800,
        refundedCents: 200,
        disputedCents: 800,
        netCents: 0,
      },
      {
        day: '2026-08-02',
        currency: 'usd',
        count: 1,
        grossCents: 500,
        refundedCents: 0,
        disputedCents: 0,
        netCents: 500,
      },
    ]);
  });

  it('is empty for an organization without sales', async () => {
    const { organizationId } = await newOrganization(0);
    expect(await world().sales().summarizeSales(asStaff(organizationId))).toEqual({
      currencies: [],
      byDay: [],
    });
  });

  const saleArbitrary = fc.record({
    status: fc.constantFrom('pending', 'completed', 'completed', 'completed', 'failed'),
    currency: fc.constantFrom('eur', 'usd'),
    pricePaidCents: fc.integer({ min: 0, max: 5000 }),
    total: fc.option(fc.integer({ min: 0, max: 5000 })),
    refundedFraction: fc.constantFrom(0, 0, 0.25, 1),
    disputeStatus: fc.constantFrom(null, null, 'open', 'won', 'lost'),
    day: fc.integer({ min: 0, max: 4 }),
    minute: fc.integer({ min: 0, max: 1439 }),
  });

  test.prop([fc.array(saleArbitrary, { maxLength: 25 }), fc.integer({ min: 0, max: 4 })], {
    numRuns: 15,
  })('matches the sum of the list’s rows for the same range', async (sales, fromDay) => {
    const { organizationId, content } = await newOrganization(1);
    const dayStart = (day: number) => new Date(Date.UTC(2026, 8, 1 + day));
    await insertSales(
      organizationId,
      content[0]?.id ?? '',
      sales.map((sale) => {
        const charged = sale.total ?? sale.pricePaidCents;
        const createdAt = new Date(dayStart(sale.day).getTime() + sale.minute * 60_000);
        const isCompleted = sale.status === 'completed';
        return {
          status: sale.status,
          currency: sale.currency,
          pricePaidCents: sale.pricePaidCents,
          amountTotalCents: isCompleted ? sale.total : null,
          amountRefundedCents: isCompleted ? Math.floor(charged * sale.refundedFraction) : 0,
          disputeStatus: isCompleted ? sale.disputeStatus : null,
          createdAt,
          purchasedAt: isCompleted ? createdAt : null,
        };
      }),
    );
    const range = { from: dayStart(fromDay), to: dayStart(fromDay + 2) };
    const rows = (await walk(organizationId, range, 100)).flat();
    const summary = await world().sales().summarizeSales(asStaff(organizationId), range);

    const expected = new Map<string, SalesTotals & { day?: string }>();
    const add = (key: string, base: { currency: string; day?: string }, sale: Sale) => {
      const totals = expected.get(key) ?? {
        ...base,
        count: 0,
        grossCents: 0,
        refundedCents: 0,
        disputedCents: 0,
        netCents: 0,
      };
      totals.count += 1;
      totals.grossCents += sale.amountCents;
      totals.refundedCents += sale.amountRefundedCents;
      const disputed = sale.disputeStatus === 'open' || sale.disputeStatus === 'lost';
      totals.disputedCents += disputed ? sale.amountCents : 0;
      totals.netCents +=
        sale.disputeStatus === 'lost' ? 0 : sale.amountCents - sale.amountRefundedCents;
      expected.set(key, totals);
    };
    // A sale is a completed purchase: every buyer status but pending and failed.
    for (const sale of rows.filter((row) => row.status !== 'pending' && row.status !== 'failed')) {
      const day = sale.createdAt.toISOString().slice(0, 10);
      add(sale.currency, { currency: sale.currency }, sale);
      add(`${day} ${sale.currency}`, { day, currency: sale.currency }, sale);
    }
    const byKey = (totals: SalesTotals & { day?: string }) =>
      `${totals.day ?? ''} ${totals.currency}`;
    const sortByKey = <T extends SalesTotals & { day?: string }>(list: T[]) =>
      [...list].sort((a, b) => (byKey(a) < byKey(b) ? -1 : 1));
    expect(sortByKey(summary.currencies)).toEqual(
      sortByKey([...expected.values()].filter((totals) => totals.day === undefined)),
    );
    expect(sortByKey(summary.byDay)).toEqual(
      sortByKey([...expected.values()].filter((totals) => totals.day !== undefined)),
    );
  });
});
