import { createTestUser } from '@codex/test-utils/factories';
import { describe, expect, it } from 'vitest';
import { getAsBuyer, seedPurchases } from '../../testing/seed-buyer-purchases';
import { callWorker } from '../../testing/test-support';

describe('GET /api/purchases', () => {
  it("answers the buyer's purchases newest first, with buyer statuses and ISO dates", async () => {
    const { customerId, rows } = await seedPurchases([
      { status: 'completed', title: 'Oldest' },
      { status: 'failed' },
      { status: 'completed', refunded: true },
      { status: 'pending', title: 'Newest' },
    ]);
    const response = await getAsBuyer(customerId, '/api/purchases');
    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe('private, no-store');
    const body = (await response.json()) as {
      data: Array<Record<string, unknown>>;
      nextCursor: string | null;
    };
    expect(body.nextCursor).toBeNull();
    expect(body.data.map((purchase) => purchase.status)).toEqual([
      'pending',
      'refunded',
      'failed',
      'completed',
    ]);
    expect(body.data[3]).toEqual({
      purchaseId: rows[0]?.purchaseId,
      contentId: rows[0]?.contentId,
      contentTitle: 'Oldest',
      amountCents: 1500,
      currency: 'usd',
      amountRefundedCents: 0,
      status: 'completed',
      hasAccess: true,
      createdAt: '2026-01-01T00:00:00.000Z',
      purchasedAt: '2026-01-01T00:00:00.000Z',
      refundedAt: null,
    });
  });

  it('walks every purchase once, page by page, through nextCursor', async () => {
    const { customerId, rows } = await seedPurchases(
      Array.from({ length: 5 }, () => ({ status: 'completed' as const })),
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const response = await getAsBuyer(customerId, `/api/purchases?limit=2${query}`);
      const page = (await response.json()) as {
        data: Array<{ purchaseId: string }>;
        nextCursor: string | null;
      };
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((purchase) => purchase.purchaseId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(rows.map((row) => row.purchaseId).reverse());
  });

  it('never shows another customer’s purchases', async () => {
    await seedPurchases([{ status: 'completed' }]);
    const stranger = createTestUser();
    const body = (await (await getAsBuyer(stranger, '/api/purchases')).json()) as {
      data: unknown[];
    };
    expect(body.data).toEqual([]);
  });

  it.each([
    ['a limit over 100', '?limit=101', 'VALIDATION_ERROR'],
    ['a limit that is not a number', '?limit=ten', 'VALIDATION_ERROR'],
    ['a cursor it did not issue', '?cursor=bm90LWEtY3Vyc29y', 'INVALID_CURSOR'],
  ])('answers 400 for %s', async (_case, query, code) => {
    const response = await getAsBuyer(createTestUser(), `/api/purchases${query}`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
  });

  it('needs a buyer token', async () => {
    expect((await callWorker('/api/purchases')).status).toBe(401);
  });
});
