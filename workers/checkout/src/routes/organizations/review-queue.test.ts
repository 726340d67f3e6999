import { contentPurchases, fulfillmentAnomalies } from '@codex/database';
import type { ErrorBody } from '@codex/security';
import {
  createTestContent,
  createTestOrganization,
  createTestUser,
} from '@codex/test-utils/factories';
import { describe, expect, it } from 'vitest';
import {
  addMember,
  authorizationFor,
  callWorker,
  removeMember,
  withTestDatabase,
} from '../../testing/test-support';

// The review queue through the worker: who may (one policy), the answers and the errors. How each
// action moves the money and re-derives the buyer's purchases is proven in @codex/purchases
// (src/review/, with the double payment in every delivery order).

const STAFF = 'auth0|staff-review';

/** A pending purchase held for review (Stripe charged 1,000 for a 1,200 price), flagged. */
async function flaggedPurchase() {
  return withTestDatabase(async (db) => {
    const organization = await createTestOrganization(db);
    const item = await createTestContent(db, {
      organizationId: organization.id,
      priceCents: 1_200,
    });
    const [purchase] = await db
      .insert(contentPurchases)
      .values({
        customerId: createTestUser(),
        contentId: item.id,
        organizationId: organization.id,
        pricePaidCents: 1_200,
        currency: item.currency,
        status: 'pending',
        stripeCheckoutSessionId: `cs_test_${crypto.randomUUID().replaceAll('-', '')}`,
      })
      .returning({ id: contentPurchases.id, sessionId: contentPurchases.stripeCheckoutSessionId });
    if (!purchase?.sessionId) throw new Error('no purchase');
    const [flag] = await db
      .insert(fulfillmentAnomalies)
      .values({
        purchaseId: purchase.id,
        stripeObjectId: purchase.sessionId,
        kind: 'amount_mismatch',
        details: { problem: 'subtotal differs from the price', expected: 1_200, received: 1_000 },
      })
      .returning({ id: fulfillmentAnomalies.id });
    if (!flag) throw new Error('no flag');
    return { organizationId: organization.id, purchaseId: purchase.id, anomalyId: flag.id };
  }).then(async (flag) => {
    await addMember(flag.organizationId, STAFF, 'admin');
    return flag;
  });
}

async function listQueue(organizationId: string, query = '') {
  return callWorker(`/api/organizations/${organizationId}/review-queue${query}`, {
    headers: await authorizationFor(STAFF, { staff: true }),
  });
}

async function act(
  flag: { organizationId: string; anomalyId: string },
  body: unknown,
  options: { key?: string | null } = {},
) {
  const key = options.key === undefined ? crypto.randomUUID() : options.key;
  return callWorker(
    `/api/organizations/${flag.organizationId}/review-queue/${flag.anomalyId}/actions`,
    {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(key === null ? {} : { 'Idempotency-Key': key }),
        ...(await authorizationFor(STAFF, { staff: true })),
      },
      body: JSON.stringify(body),
    },
  );
}

const codeOf = async (response: Response) => ((await response.json()) as ErrorBody).error.code;

describe('GET /api/organizations/:orgId/review-queue', () => {
  it('lists the flag with its purchase, the allowed actions and the suggested remedy', async () => {
    const flag = await flaggedPurchase();

    const response = await listQueue(flag.organizationId);

    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe('private, no-store');
    const body = (await response.json()) as { data: unknown[]; nextCursor: string | null };
    expect(body.nextCursor).toBeNull();
    expect(body.data).toEqual([
      expect.objectContaining({
        anomalyId: flag.anomalyId,
        kind: 'amount_mismatch',
        purchase: expect.objectContaining({ purchaseId: flag.purchaseId, status: 'pending' }),
        allowedActions: ['grant_at_charged', 'refund_and_close', 'dismiss'],
        suggestedRemedy: expect.objectContaining({ action: 'refund_and_close' }),
      }),
    ]);
  });

  it('is for owners and admins: a member gets 403, a removed admin 404 on the next request, a bad state 400', async () => {
    const flag = await flaggedPurchase();

    await addMember(flag.organizationId, STAFF, 'member');
    expect((await listQueue(flag.organizationId)).status).toBe(403);
    await removeMember(flag.organizationId, STAFF);
    const removed = await listQueue(flag.organizationId);
    expect(removed.status).toBe(404);
    expect(await codeOf(removed)).toBe('NOT_FOUND');
    await addMember(flag.organizationId, STAFF, 'owner');
    const bad = await listQueue(flag.organizationId, '?state=everything');
    expect(bad.status).toBe(400);
    expect(await codeOf(bad)).toBe('VALIDATION_ERROR');
  });
});

describe('POST /api/organizations/:orgId/review-queue/:anomalyId/actions', () => {
  it('dismisses with a note, keeps who and why, and replays the same key', async () => {
    const flag = await flaggedPurchase();
    const key = crypto.randomUUID();

    const response = await act(flag, { action: 'dismiss', note: 'paid by invoice' }, { key });

    expect(response.status).toBe(200);
    const { data } = (await response.json()) as { data: Record<string, unknown> };
    expect(data).toMatchObject({ action: 'dismiss', status: 'done', replayed: false });
    const again = await act(flag, { action: 'dismiss', note: 'paid by invoice' }, { key });
    expect(((await again.json()) as { data: unknown }).data).toEqual({ ...data, replayed: true });
    const resolved = await listQueue(flag.organizationId, '?state=resolved');
    const { data: items } = (await resolved.json()) as { data: Array<Record<string, unknown>> };
    expect(items[0]).toMatchObject({
      suggestedRemedy: null,
      resolution: 'dismiss',
      resolvedBy: STAFF,
      resolutionNote: 'paid by invoice',
      actions: [expect.objectContaining({ action: 'dismiss', actorId: STAFF, status: 'done' })],
    });
    const late = await act(flag, { action: 'dismiss', note: 'again' });
    expect(late.status).toBe(409);
    expect(await codeOf(late)).toBe('REVIEW_ITEM_RESOLVED');
  });

  it('refuses what does not apply, without a key, for a member, and another organization’s flag', async () => {
    const flag = await flaggedPurchase();
    const other = await flaggedPurchase();

    const noNote = await act(flag, { action: 'dismiss' });
    expect(noNote.status).toBe(422);
    expect(await codeOf(noNote)).toBe('REVIEW_ACTION_NOT_ALLOWED');
    const wrongKind = await act(flag, {
      action: 'refund_payment',
      targetPurchaseId: flag.purchaseId,
    });
    expect(await codeOf(wrongKind)).toBe('REVIEW_ACTION_NOT_ALLOWED');
    const noKey = await act(flag, { action: 'dismiss', note: 'x' }, { key: null });
    expect(noKey.status).toBe(400);
    const unknownField = await act(flag, { action: 'dismiss', note: 'x', amountCents: 5 });
    expect(unknownField.status).toBe(400);
    await addMember(flag.organizationId, STAFF, 'member');
    const member = await act(flag, { action: 'dismiss', note: 'x' });
    expect(member.status).toBe(403);
    await addMember(flag.organizationId, STAFF, 'owner');
    const foreign = await act(
      { organizationId: flag.organizationId, anomalyId: other.anomalyId },
      { action: 'dismiss', note: 'not ours' },
    );
    expect(foreign.status).toBe(404);
    expect((await listQueue(other.organizationId)).status).toBe(200);
  });
});
