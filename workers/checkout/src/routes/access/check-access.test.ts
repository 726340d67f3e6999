import { contentPurchases } from '@codex/database';
import {
  createTestContent,
  createTestOrganization,
  createTestUser,
} from '@codex/test-utils/factories';
import { describe, expect, it } from 'vitest';
import { authorizationFor, callWorker, withTestDatabase } from '../../testing/test-support';
import { contentAccessParamsSchema } from './check-access';

async function createPurchase(status: 'pending' | 'completed' | 'failed', refunded = false) {
  return withTestDatabase(async (db) => {
    const organization = await createTestOrganization(db);
    const item = await createTestContent(db, { organizationId: organization.id });
    const customerId = createTestUser();
    await db.insert(contentPurchases).values({
      customerId,
      contentId: item.id,
      organizationId: organization.id,
      pricePaidCents: item.priceCents,
      currency: item.currency,
      status,
      purchasedAt: status === 'completed' ? new Date() : null,
      refundedAt: refunded ? new Date() : null,
    });
    return { customerId, contentId: item.id };
  });
}

async function askAccess(customerId: string, contentId: string, query = '') {
  return callWorker(`/api/purchases/access/${contentId}${query}`, {
    headers: await authorizationFor(customerId),
  });
}

describe('GET /api/purchases/access/:contentId', () => {
  it('is true for the buyer of a completed purchase, with a no-store cache header', async () => {
    const { customerId, contentId } = await createPurchase('completed');
    const response = await askAccess(customerId, contentId);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ hasAccess: true });
    expect(response.headers.get('Cache-Control')).toBe('private, no-store');
  });

  it.each(['pending', 'failed'] as const)('is false for a %s purchase', async (status) => {
    const { customerId, contentId } = await createPurchase(status);
    expect(await (await askAccess(customerId, contentId)).json()).toEqual({ hasAccess: false });
  });

  it('is false for a refunded purchase', async () => {
    const { customerId, contentId } = await createPurchase('completed', true);
    expect(await (await askAccess(customerId, contentId)).json()).toEqual({ hasAccess: false });
  });

  it('answers for the authenticated customer only, whatever the query says', async () => {
    const { customerId, contentId } = await createPurchase('completed');
    const stranger = createTestUser();
    const response = await askAccess(
      stranger,
      contentId,
      `?customerId=${encodeURIComponent(customerId)}`,
    );
    expect(await response.json()).toEqual({ hasAccess: false });
  });

  it('answers 400 VALIDATION_ERROR for a malformed content id', async () => {
    const response = await askAccess(createTestUser(), 'not-a-uuid');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'VALIDATION_ERROR',
    );
  });
});

const CONTENT_ID = '6c0a4f3e-2b1d-4e8f-9a7c-5d3b2e1f0a9b';

describe('contentAccessParamsSchema', () => {
  it('validates the access check content id', () => {
    expect(contentAccessParamsSchema.parse({ contentId: CONTENT_ID.toUpperCase() })).toEqual({
      contentId: CONTENT_ID,
    });
    expect(contentAccessParamsSchema.safeParse({ contentId: '42' }).success).toBe(false);
  });
});
