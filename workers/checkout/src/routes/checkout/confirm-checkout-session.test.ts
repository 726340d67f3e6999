import { contentPurchases, emailOutbox, eq } from '@codex/database';
import {
  createTestContent,
  createTestOrganization,
  createTestUser,
} from '@codex/test-utils/factories';
import { describe, expect, it } from 'vitest';
import {
  authorizationFor,
  callWorker,
  testEnv,
  withTestDatabase,
} from '../../testing/test-support';
import { checkoutSessionParamsSchema } from './confirm-checkout-session';

async function startCheckout(claims: { email?: string } = {}) {
  const item = await withTestDatabase(async (db) => {
    const organization = await createTestOrganization(db);
    return createTestContent(db, { organizationId: organization.id, priceCents: 4_200 });
  });
  const customerId = createTestUser();
  const response = await callWorker('/api/checkout', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(await authorizationFor(customerId, claims)),
    },
    body: JSON.stringify({ contentId: item.id }),
  });
  const { data } = (await response.json()) as { data: { sessionId: string; purchaseId: string } };
  return { ...data, customerId, contentId: item.id };
}

async function patchStripeSession(sessionId: string, patch: Record<string, unknown>) {
  const response = await fetch(new URL(`/__stub/sessions/${sessionId}`, testEnv.STRIPE_API_BASE), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(patch),
  });
  expect(response.ok).toBe(true);
}

async function stripeCallCount() {
  const response = await fetch(new URL('/__stub/requests', testEnv.STRIPE_API_BASE));
  return ((await response.json()) as { data: unknown[] }).data.length;
}

async function confirm(customerId: string, sessionId: string, overrides = {}) {
  return callWorker(
    `/api/checkout/sessions/${sessionId}`,
    { headers: await authorizationFor(customerId) },
    overrides,
  );
}

async function hasAccess(customerId: string, contentId: string) {
  const response = await callWorker(`/api/purchases/access/${contentId}`, {
    headers: await authorizationFor(customerId),
  });
  return ((await response.json()) as { hasAccess: boolean }).hasAccess;
}

describe('GET /api/checkout/sessions/:sessionId (success page)', () => {
  it('answers pending while unpaid, then completes the purchase before any webhook', async () => {
    const checkout = await startCheckout();

    const before = await confirm(checkout.customerId, checkout.sessionId);
    expect(before.status).toBe(200);
    expect(await before.json()).toEqual({
      data: { status: 'pending', purchaseId: checkout.purchaseId, contentId: checkout.contentId },
    });
    expect(await hasAccess(checkout.customerId, checkout.contentId)).toBe(false);

    await patchStripeSession(checkout.sessionId, {
      status: 'complete',
      payment_status: 'paid',
      payment_intent: 'pi_success_page_worker',
    });
    // A poll right after the last one is answered from the database: Stripe is asked at most
    // once per purchase every 2 s, however fast the page polls.
    const stripeCallsBefore = await stripeCallCount();
    const throttled = await confirm(checkout.customerId, checkout.sessionId);
    expect(((await throttled.json()) as { data: { status: string } }).data.status).toBe('pending');
    expect(await stripeCallCount()).toBe(stripeCallsBefore);

    await withTestDatabase((db) =>
      db
        .update(contentPurchases)
        .set({ lastReconciledAt: new Date(Date.now() - 3_000) })
        .where(eq(contentPurchases.id, checkout.purchaseId)),
    );
    const after = await confirm(checkout.customerId, checkout.sessionId);
    expect(await after.json()).toEqual({
      data: { status: 'completed', purchaseId: checkout.purchaseId, contentId: checkout.contentId },
    });
    expect(await hasAccess(checkout.customerId, checkout.contentId)).toBe(true);
  });

  it('queues the confirmation e-mail of the purchase it completed to EMAIL_QUEUE', async () => {
    const checkout = await startCheckout({ email: 'success-page@codex.test' });
    await patchStripeSession(checkout.sessionId, {
      status: 'complete',
      payment_status: 'paid',
      payment_intent: `pi_${crypto.randomUUID().replaceAll('-', '')}`,
    });
    const sent: unknown[] = [];
    const queue = {
      async sendBatch(messages: Iterable<{ body: unknown }>) {
        for (const message of messages) sent.push(message.body);
      },
    };
    const answer = await confirm(checkout.customerId, checkout.sessionId, { EMAIL_QUEUE: queue });
    expect(((await answer.json()) as { data: { status: string } }).data.status).toBe('completed');
    const rows = await withTestDatabase((db) =>
      db.select().from(emailOutbox).where(eq(emailOutbox.purchaseId, checkout.purchaseId)),
    );
    expect(rows).toHaveLength(1);
    expect(sent).toEqual([{ outboxId: rows[0]?.id }]);
  });

  it('answers failed once the session expired', async () => {
    const checkout = await startCheckout();
    await patchStripeSession(checkout.sessionId, { status: 'expired' });
    const response = await confirm(checkout.customerId, checkout.sessionId);
    expect(((await response.json()) as { data: { status: string } }).data.status).toBe('failed');
  });

  it('answers 404, not 403, to another customer, and changes nothing', async () => {
    const checkout = await startCheckout();
    await patchStripeSession(checkout.sessionId, { status: 'complete', payment_status: 'paid' });

    const response = await confirm(createTestUser(), checkout.sessionId);

    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    expect(await hasAccess(checkout.customerId, checkout.contentId)).toBe(false);
  });

  it('answers 404 for an unknown session and 400 for a malformed id', async () => {
    const customerId = createTestUser();
    expect((await confirm(customerId, 'cs_test_unknown_session_123')).status).toBe(404);
    expect((await confirm(customerId, 'not-a-session')).status).toBe(400);
  });

  it('requires a buyer token', async () => {
    const response = await callWorker('/api/checkout/sessions/cs_test_abc');
    expect(response.status).toBe(401);
  });
});

describe('checkoutSessionParamsSchema', () => {
  it('validates a checkout session id', () => {
    expect(checkoutSessionParamsSchema.parse({ sessionId: 'cs_test_abc' })).toEqual({
      sessionId: 'cs_test_abc',
    });
    expect(checkoutSessionParamsSchema.safeParse({ sessionId: 'evt_abc' }).success).toBe(false);
  });
});
