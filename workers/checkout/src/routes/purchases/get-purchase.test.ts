import { createTestUser } from '@codex/test-utils/factories';
import { describe, expect, it } from 'vitest';
import { issuesOf } from '../../testing/issues-of';
import { getAsBuyer, seedPurchases } from '../../testing/seed-buyer-purchases';
import { purchaseIdParamsSchema } from './get-purchase';

describe('GET /api/purchases/:purchaseId', () => {
  it('answers one of the buyer’s purchases', async () => {
    const { customerId, rows } = await seedPurchases([{ status: 'completed' }]);
    const response = await getAsBuyer(customerId, `/api/purchases/${rows[0]?.purchaseId}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      data: { purchaseId: rows[0]?.purchaseId, status: 'completed' },
    });
  });

  it('answers the same 404 for another customer’s purchase and an unknown id', async () => {
    const { rows } = await seedPurchases([{ status: 'completed' }]);
    const stranger = createTestUser();
    const foreign = await getAsBuyer(stranger, `/api/purchases/${rows[0]?.purchaseId}`);
    const unknown = await getAsBuyer(stranger, `/api/purchases/${crypto.randomUUID()}`);
    for (const response of [foreign, unknown]) {
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({
        error: { code: 'NOT_FOUND', message: 'Purchase not found' },
      });
    }
  });

  it('answers 400 for an id that is not a UUID', async () => {
    const response = await getAsBuyer(createTestUser(), '/api/purchases/not-a-uuid');
    expect(response.status).toBe(400);
  });
});

const ID_A = '6c0a4f3e-2b1d-4e8f-9a7c-5d3b2e1f0a9b';

describe('purchaseIdParamsSchema', () => {
  it('accepts a purchase id and lower-cases it', () => {
    expect(purchaseIdParamsSchema.parse({ purchaseId: ID_A.toUpperCase() })).toEqual({
      purchaseId: ID_A,
    });
  });

  it('refuses an id that is not a UUID before it reaches the database', () => {
    expect(issuesOf(purchaseIdParamsSchema.safeParse({ purchaseId: "1' OR '1'='1" }))).toEqual([
      { path: 'purchaseId', message: 'must be a UUID' },
    ]);
  });
});
