import { describe, expect, it } from 'vitest';
import { getAsBuyer, seedPurchases } from '../../testing/seed-buyer-purchases';

describe('GET /api/library', () => {
  it('lists exactly the playable content, most recent purchase first', async () => {
    const { customerId, rows } = await seedPurchases([
      { status: 'completed', title: 'First' },
      { status: 'completed', refunded: true },
      { status: 'failed' },
      { status: 'pending' },
      { status: 'completed', title: 'Last' },
    ]);
    const response = await getAsBuyer(customerId, '/api/library');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      data: [
        {
          contentId: rows[4]?.contentId,
          contentTitle: 'Last',
          purchaseId: rows[4]?.purchaseId,
          purchasedAt: '2026-01-01T00:04:00.000Z',
        },
        {
          contentId: rows[0]?.contentId,
          contentTitle: 'First',
          purchaseId: rows[0]?.purchaseId,
          purchasedAt: '2026-01-01T00:00:00.000Z',
        },
      ],
      nextCursor: null,
    });
  });
});
