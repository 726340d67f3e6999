import { sql } from '@codex/database';
import { createTestUser } from '@codex/test-utils';
import { describe, expect, it } from 'vitest';
import { isPurchaseError } from '../purchase-error';
import { completed, insertPurchases, type PurchaseState } from '../testing/insert-purchases';
import { useTestWorld } from '../testing/test-world';
import type { PageOptions } from './page-options';

const world = useTestWorld();

/** Every page of a list, following `nextCursor`, with the limit given. */
async function walk<Item>(
  read: (options: PageOptions) => Promise<{ items: Item[]; nextCursor: string | null }>,
  limit: number,
  between?: () => Promise<unknown>,
) {
  const pages: Item[][] = [];
  let cursor: string | undefined;
  do {
    const page = await read({ limit, cursor });
    pages.push(page.items);
    cursor = page.nextCursor ?? undefined;
    if (between) await between();
  } while (cursor !== undefined);
  return pages;
}

async function expectInvalidCursor(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(isPurchaseError(error) && error.code).toBe('INVALID_CURSOR');
}

describe('listPurchases', () => {
  it('lists only the buyer’s own purchases, newest first, with title, amount and dates', async () => {
    const customerId = createTestUser();
    const [older] = await insertPurchases(world(), customerId, [
      {
        ...completed(new Date('2026-01-02T00:00:00Z')),
        createdAt: new Date('2026-01-01T00:00:00Z'),
      },
    ]);
    const [newer] = await insertPurchases(world(), customerId, [
      { createdAt: new Date('2026-02-01T00:00:00Z') },
    ]);
    await insertPurchases(world(), createTestUser(), [completed(), {}]);

    const page = await world().buyer().listPurchases(customerId);
    expect(page).toEqual({
      items: [
        {
          purchaseId: newer?.id,
          contentId: newer?.contentId,
          contentTitle: newer?.title,
          amountCents: 800,
          currency: 'eur',
          amountRefundedCents: 0,
          status: 'pending',
          hasAccess: false,
          createdAt: new Date('2026-02-01T00:00:00Z'),
          purchasedAt: null,
          refundedAt: null,
        },
        {
          purchaseId: older?.id,
          contentId: older?.contentId,
          contentTitle: older?.title,
          amountCents: 800,
          currency: 'eur',
          amountRefundedCents: 0,
          status: 'completed',
          hasAccess: true,
          createdAt: new Date('2026-01-01T00:00:00Z'),
          purchasedAt: new Date('2026-01-02T00:00:00Z'),
          refundedAt: null,
        },
      ],
      nextCursor: null,
    });
  });

  it('states what the buyer was charged: the total after a discount, else the price', async () => {
    const customerId = createTestUser();
    const [discounted, full] = await insertPurchases(world(), customerId, [
      { ...completed(), amountDiscountCents: 400, amountTotalCents: 400 },
      completed(),
    ]);
    const page = await world().buyer().listPurchases(customerId);
    const amountOf = (purchaseId: string | undefined) =>
      page.items.find((item) => item.purchaseId === purchaseId)?.amountCents;
    expect(amountOf(discounted?.id)).toBe(400);
    expect(amountOf(full?.id)).toBe(800);
  });

  it('tells the buyer each status', async () => {
    const customerId = createTestUser();
    const refundedAt = new Date('2026-03-01T00:00:00Z');
    const states: Array<[PurchaseState, string]> = [
      [{ status: 'failed' }, 'failed'],
      [{ status: 'pending' }, 'pending'],
      [completed(), 'completed'],
      [{ ...completed(), amountRefundedCents: 800, refundedAt }, 'refunded'],
      [{ ...completed(), amountRefundedCents: 300 }, 'partially_refunded'],
      [{ ...completed(), disputeStatus: 'open' }, 'disputed'],
      [{ ...completed(), disputeStatus: 'lost' }, 'disputed'],
      [{ ...completed(), disputeStatus: 'won' }, 'completed'],
      [{ ...completed(), disputeStatus: 'won', amountRefundedCents: 300 }, 'partially_refunded'],
      [{ ...completed(), disputeStatus: 'lost', amountRefundedCents: 800, refundedAt }, 'disputed'],
    ];
    const rows = await insertPurchases(
      world(),
      customerId,
      states.map(([state]) => state),
    );
    const { items } = await world().buyer().listPurchases(customerId);
    const statusOf = new Map(items.map((item) => [item.purchaseId, item.status]));
    expect(rows.map((row) => statusOf.get(row.id))).toEqual(states.map(([, status]) => status));
    const refunded = items.find((item) => item.status === 'refunded');
    expect(refunded).toMatchObject({ amountRefundedCents: 800, refundedAt });
  });

  it('walks every row exactly once with small pages, through ties and microseconds', async () => {
    const customerId = createTestUser();
    // Seven rows inserted by one statement share created_at (the order falls back to the id); three
    // differ only in microseconds, within one millisecond, which a JavaScript Date cannot tell apart.
    const tied = await insertPurchases(
      world(),
      customerId,
      Array.from({ length: 7 }, () => ({})),
    );
    const micro = await Promise.all(
      ['100', '200', '300'].map(async (microseconds) => {
        const [row] = await insertPurchases(world(), customerId, [{}]);
        await world().db.execute(
          sql`UPDATE content_purchases SET created_at = ${`2026-01-01T00:00:00.000${microseconds}Z`}::timestamptz WHERE id = ${row?.id ?? ''}`,
        );
        return row;
      }),
    );
    const all = [...tied, ...micro].map((row) => row?.id);

    const { items: everything } = await world().buyer().listPurchases(customerId, { limit: 100 });
    expect(new Set(everything.map((item) => item.purchaseId))).toEqual(new Set(all));
    for (const limit of [1, 2, 3, 4]) {
      const pages = await walk(
        (options) => world().buyer().listPurchases(customerId, options),
        limit,
      );
      expect(pages.flat().map((item) => item.purchaseId)).toEqual(
        everything.map((item) => item.purchaseId),
      );
      expect(pages.every((page) => page.length <= limit)).toBe(true);
      expect(pages.at(-1)?.length).toBeGreaterThan(0);
    }
  });

  it('keeps a walk stable while the buyer buys more: each existing row once, none skipped', async () => {
    const customerId = createTestUser();
    const existing = await Promise.all(
      Array.from(
        { length: 5 },
        async () => (await insertPurchases(world(), customerId, [{}]))[0]?.id,
      ),
    );
    const pages = await walk(
      (options) => world().buyer().listPurchases(customerId, options),
      2,
      () => insertPurchases(world(), customerId, [{ status: 'failed' }]),
    );
    const seen = pages.flat().map((item) => item.purchaseId);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => existing.includes(id)).sort()).toEqual([...existing].sort());
  });

  it('returns 20 rows by default and at most 100', async () => {
    const customerId = createTestUser();
    const [row] = await insertPurchases(world(), customerId, [{ status: 'failed' }]);
    // 100 more failed attempts at the same item (failed rows hold no slot), in one statement.
    await world().db.execute(sql`
      INSERT INTO content_purchases (customer_id, content_id, organization_id, price_paid_cents, currency, status)
      SELECT customer_id, content_id, organization_id, price_paid_cents, currency, 'failed'
      FROM content_purchases, generate_series(1, 100) WHERE id = ${row?.id ?? ''}
    `);
    const firstPage = await world().buyer().listPurchases(customerId);
    expect(firstPage.items).toHaveLength(20);
    expect(firstPage.nextCursor).not.toBeNull();
    const capped = await world().buyer().listPurchases(customerId, { limit: 1_000 });
    expect(capped.items).toHaveLength(100);
    const rest = await world()
      .buyer()
      .listPurchases(customerId, { limit: 1_000, cursor: capped.nextCursor ?? undefined });
    expect(rest).toMatchObject({ nextCursor: null });
    expect(rest.items).toHaveLength(1);
  });

  it('refuses a cursor it did not issue as INVALID_CURSOR', async () => {
    const customerId = createTestUser();
    await insertPurchases(world(), customerId, [completed(), completed()]);
    const genuine =
      (await world().buyer().listPurchases(customerId, { limit: 1 })).nextCursor ?? '';
    const libraryCursor =
      (await world().buyer().listLibrary(customerId, { limit: 1 })).nextCursor ?? '';
    const decoded = JSON.parse(atob(genuine.replaceAll('-', '+').replaceAll('_', '/')));
    const encode = (value: unknown) =>
      btoa(JSON.stringify(value)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
    const forged = [
      'not a cursor!',
      'x',
      encode('just a string'),
      btoa('{"broken json'),
      encode({ ...decoded, id: 'not-a-uuid' }),
      encode({ ...decoded, at: '2026-02-30T00:00:00.000000Z' }),
      encode({ ...decoded, at: '2026-01-01 00:00:00' }),
      encode({ ...decoded, extra: 1 }),
      libraryCursor,
      `${genuine}A`,
    ];
    for (const cursor of forged) {
      await expectInvalidCursor(world().buyer().listPurchases(customerId, { cursor }));
    }
    await expectInvalidCursor(world().buyer().listLibrary(customerId, { cursor: genuine }));
    // The genuine cursor still works.
    expect(
      (await world().buyer().listPurchases(customerId, { cursor: genuine })).items,
    ).toHaveLength(1);
  });
});

describe('getPurchase', () => {
  it('answers the buyer’s own purchase as the list shows it', async () => {
    const customerId = createTestUser();
    const [row] = await insertPurchases(world(), customerId, [
      { ...completed(), amountRefundedCents: 100 },
    ]);
    const { items } = await world().buyer().listPurchases(customerId);
    const found = await world()
      .buyer()
      .getPurchase(customerId, row?.id ?? '');
    expect(found).toEqual(items[0]);
    expect(found?.status).toBe('partially_refunded');
    expect(
      await world()
        .buyer()
        .getPurchase(customerId, (row?.id ?? '').toUpperCase()),
    ).toEqual(found);
  });

  it('answers another buyer’s purchase, an unknown id and a malformed one alike: undefined', async () => {
    const [foreign] = await insertPurchases(world(), createTestUser(), [completed()]);
    const customerId = createTestUser();
    expect(
      await world()
        .buyer()
        .getPurchase(customerId, foreign?.id ?? ''),
    ).toBeUndefined();
    expect(await world().buyer().getPurchase(customerId, crypto.randomUUID())).toBeUndefined();
    expect(await world().buyer().getPurchase(customerId, "1' OR '1'='1")).toBeUndefined();
  });
});

describe('listLibrary', () => {
  it('is exactly the content the access check opens, newest purchase first', async () => {
    const customerId = createTestUser();
    const refundedAt = new Date();
    const day = (n: number) => new Date(`2026-01-${String(n).padStart(2, '0')}T00:00:00Z`);
    const rows = await insertPurchases(world(), customerId, [
      completed(day(1)),
      { ...completed(day(3)), disputeStatus: 'won' },
      { ...completed(day(2)), amountRefundedCents: 100 },
      { status: 'failed' },
      { status: 'pending' },
      { ...completed(day(4)), amountRefundedCents: 800, refundedAt },
      { ...completed(day(5)), disputeStatus: 'open' },
      { ...completed(day(6)), disputeStatus: 'lost' },
    ]);
    await insertPurchases(world(), createTestUser(), [completed(day(7))]);

    const { items, nextCursor } = await world().buyer().listLibrary(customerId);
    expect(nextCursor).toBeNull();
    expect(items).toEqual(
      [rows[1], rows[2], rows[0]].map((row) => ({
        contentId: row?.contentId,
        contentTitle: row?.title,
        purchaseId: row?.id,
        purchasedAt: row?.purchasedAt,
      })),
    );
    const access = world().access();
    for (const row of rows) {
      const listed = items.some((item) => item.contentId === row.contentId);
      expect(await access.hasAccess(customerId, row.contentId)).toBe(listed);
    }
  });

  it('walks every item once with small pages', async () => {
    const customerId = createTestUser();
    const same = new Date('2026-04-01T00:00:00Z');
    const rows = await insertPurchases(world(), customerId, [
      completed(same),
      completed(same),
      completed(same),
      completed(new Date('2026-04-02T00:00:00Z')),
      { status: 'failed' },
    ]);
    const pages = await walk((options) => world().buyer().listLibrary(customerId, options), 2);
    expect(pages.map((page) => page.length)).toEqual([2, 2]);
    const seen = pages.flat().map((item) => item.purchaseId);
    expect(seen[0]).toBe(rows[3]?.id);
    expect(new Set(seen)).toEqual(new Set(rows.slice(0, 4).map((row) => row.id)));
  });
});
