import {
  content,
  contentPurchases,
  eq,
  fulfillmentAnomalies,
  sql,
  stripeWebhookEvents,
} from '@codex/database';
import {
  type StripeStub,
  type StripeStubCheckoutSession,
  startStripeStub,
} from '@codex/local-stripe';
import { ObservabilityClient } from '@codex/observability';
import {
  createTestContent,
  createTestDatabase,
  createTestOrganization,
  createTestUser,
  type TestDatabase,
} from '@codex/test-utils';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasAccess } from './access/has-access';
import { CheckoutService } from './checkout-service';
import { CONFIRMATION_MIN_INTERVAL_MS } from './fulfillment/confirm-checkout-session';
import { FulfillmentService } from './fulfillment-service';
import { testStripeClient } from './testing/test-stripe-client';

let testDb: TestDatabase;
let stub: StripeStub;
const logLines: string[] = [];

beforeAll(async () => {
  [testDb, stub] = await Promise.all([
    createTestDatabase({ maxConnections: 30 }),
    startStripeStub(),
  ]);
});

afterAll(async () => {
  await Promise.all([testDb?.close(), stub?.close()]);
});

const logger = new ObservabilityClient('purchases-test', 'test', {
  write: (line) => logLines.push(line),
});
const stripe = () => testStripeClient(stub.url, { secretKey: 'sk_test_fulfillment_0123' });
const fulfillment = (now?: () => Date) =>
  new FulfillmentService({
    db: testDb.db,
    stripe: stripe(),
    logger,
    ...(now ? { clock: now } : {}),
  });
const purchases = () =>
  new CheckoutService({
    db: testDb.db,
    stripe: stripe(),
    logger,
    config: { webAppUrl: 'https://app.codex.test' },
  });

/** A real checkout through the purchase service: a pending purchase and its session on the stand-in. */
async function startCheckout(priceCents = 1_999, currency = 'usd') {
  const organization = await createTestOrganization(testDb.db);
  const item = await createTestContent(testDb.db, {
    organizationId: organization.id,
    priceCents,
    currency,
  });
  const customerId = createTestUser();
  const result = await purchases().createCheckoutSession(customerId, item.id);
  if (result.status !== 'checkout_created') throw new Error(`unexpected ${result.status}`);
  return { ...result, customerId, contentId: item.id };
}

/** The session as Stripe would describe it after `patch` (payment, expiry). */
function sessionAfter(sessionId: string, patch: Partial<StripeStubCheckoutSession>) {
  const { payment_intent_data: _stubOnly, ...session } = stub.updateSession(sessionId, patch);
  return session as unknown as Stripe.Checkout.Session;
}

let eventCounter = 0;
function eventOf(type: string, session: Stripe.Checkout.Session): Stripe.Event {
  eventCounter++;
  return {
    id: `evt_test_${Date.now()}_${eventCounter}`,
    object: 'event',
    type,
    api_version: '2025-01-27.acacia',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object: session },
  } as unknown as Stripe.Event;
}

async function purchaseRow(purchaseId: string) {
  const [row] = await testDb.db
    .select()
    .from(contentPurchases)
    .where(eq(contentPurchases.id, purchaseId));
  return row;
}

const paid = { status: 'complete', payment_status: 'paid', payment_intent: '' } as const;
const paidWith = (paymentIntent: string) => ({ ...paid, payment_intent: paymentIntent });

describe('handleStripeEvent: checkout.session.completed', () => {
  it('completes a paid purchase, records the payment intent and grants access', async () => {
    const checkout = await startCheckout();
    const session = sessionAfter(checkout.sessionId, paidWith('pi_complete_1'));

    const outcome = await fulfillment().handleStripeEvent(
      eventOf('checkout.session.completed', session),
    );

    expect(outcome).toEqual({
      status: 'processed',
      result: {
        status: 'completed',
        purchaseId: checkout.purchaseId,
        contentId: checkout.contentId,
      },
    });
    const row = await purchaseRow(checkout.purchaseId);
    expect(row).toMatchObject({ status: 'completed', stripePaymentIntentId: 'pi_complete_1' });
    expect(row?.purchasedAt).toBeInstanceOf(Date);
    expect(await hasAccess(testDb.db, checkout.customerId, checkout.contentId)).toBe(true);
  });

  it('processes the same event delivered 20 times in parallel exactly once', async () => {
    const checkout = await startCheckout();
    const event = eventOf(
      'checkout.session.completed',
      sessionAfter(checkout.sessionId, paidWith('pi_dup_20')),
    );
    const logsBefore = logLines.length;

    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () => fulfillment().handleStripeEvent(event)),
    );

    expect(outcomes.filter((o) => o.status === 'processed')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'duplicate')).toHaveLength(19);
    const inbox = await testDb.db
      .select()
      .from(stripeWebhookEvents)
      .where(eq(stripeWebhookEvents.id, event.id));
    expect(inbox).toHaveLength(1);
    expect(inbox[0]?.processedAt).toBeInstanceOf(Date);
    const completionLogs = logLines
      .slice(logsBefore)
      .filter((line) => line.includes('"message":"purchase completed"') && line.includes(event.id));
    expect(completionLogs).toHaveLength(1);
  });

  it('leaves an unpaid (delayed method) purchase pending until async_payment_succeeded', async () => {
    const checkout = await startCheckout();
    const unpaid = sessionAfter(checkout.sessionId, {
      status: 'complete',
      payment_status: 'unpaid',
    });

    const first = await fulfillment().handleStripeEvent(
      eventOf('checkout.session.completed', unpaid),
    );
    expect(first).toMatchObject({ result: { status: 'awaiting_payment' } });
    expect((await purchaseRow(checkout.purchaseId))?.status).toBe('pending');

    const settled = sessionAfter(checkout.sessionId, paidWith('pi_async_1'));
    const second = await fulfillment().handleStripeEvent(
      eventOf('checkout.session.async_payment_succeeded', settled),
    );
    expect(second).toMatchObject({ result: { status: 'completed' } });
    expect((await purchaseRow(checkout.purchaseId))?.status).toBe('completed');
  });

  it('fails the purchase on async_payment_failed, so the buyer can check out again', async () => {
    const checkout = await startCheckout();
    const failedPayment = sessionAfter(checkout.sessionId, {
      status: 'complete',
      payment_status: 'unpaid',
    });

    const outcome = await fulfillment().handleStripeEvent(
      eventOf('checkout.session.async_payment_failed', failedPayment),
    );

    expect(outcome).toMatchObject({ result: { status: 'failed' } });
    // The session is complete at Stripe, so the service must not treat it as open; a new one starts.
    stub.updateSession(checkout.sessionId, { status: 'expired' });
    const again = await purchases().createCheckoutSession(checkout.customerId, checkout.contentId);
    expect(again.status).toBe('checkout_created');
  });

  it('fails a pending purchase whose session expired, and ignores expired after completed', async () => {
    const expiredCheckout = await startCheckout();
    const expired = sessionAfter(expiredCheckout.sessionId, { status: 'expired' });
    expect(
      await fulfillment().handleStripeEvent(eventOf('checkout.session.expired', expired)),
    ).toMatchObject({ result: { status: 'failed' } });

    const completedCheckout = await startCheckout();
    const session = sessionAfter(completedCheckout.sessionId, paidWith('pi_order_1'));
    await fulfillment().handleStripeEvent(eventOf('checkout.session.completed', session));
    const late = await fulfillment().handleStripeEvent(
      eventOf('checkout.session.expired', { ...session, status: 'expired' }),
    );
    expect(late).toMatchObject({ result: { status: 'already_completed' } });
    expect((await purchaseRow(completedCheckout.purchaseId))?.status).toBe('completed');
  });
});

describe('handleStripeEvent: payments that do not match', () => {
  it.each([
    ['amount', { amount_total: 1 }, 'amount_mismatch'],
    ['currency', { currency: 'eur' }, 'currency_mismatch'],
  ] as const)('flags a %s mismatch for review and grants nothing', async (_label, tamper, kind) => {
    const checkout = await startCheckout(1_999, 'usd');
    const session = { ...sessionAfter(checkout.sessionId, paidWith(`pi_${kind}`)), ...tamper };

    const outcome = await fulfillment().handleStripeEvent(
      eventOf('checkout.session.completed', session),
    );
    // A second delivery (new event id) records the anomaly once.
    await fulfillment().handleStripeEvent(eventOf('checkout.session.completed', session));

    expect(outcome).toMatchObject({ result: { status: 'flagged', kind } });
    expect((await purchaseRow(checkout.purchaseId))?.status).toBe('pending');
    expect(await hasAccess(testDb.db, checkout.customerId, checkout.contentId)).toBe(false);
    const anomalies = await testDb.db
      .select()
      .from(fulfillmentAnomalies)
      .where(eq(fulfillmentAnomalies.purchaseId, checkout.purchaseId));
    expect(anomalies.map((a) => a.kind)).toEqual([kind]);
    expect(
      logLines.some(
        (line) => line.includes('"level":"error"') && line.includes(checkout.purchaseId),
      ),
    ).toBe(true);
  });

  it('flags a session whose ids name another purchase', async () => {
    const first = await startCheckout();
    const second = await startCheckout();
    const session = {
      ...sessionAfter(first.sessionId, paidWith('pi_linkage')),
      client_reference_id: second.purchaseId,
    };
    const outcome = await fulfillment().handleStripeEvent(
      eventOf('checkout.session.completed', session),
    );
    expect(outcome).toMatchObject({ result: { status: 'flagged', kind: 'linkage_mismatch' } });
    expect((await purchaseRow(first.purchaseId))?.status).toBe('pending');
    expect((await purchaseRow(second.purchaseId))?.status).toBe('pending');
  });

  it('flags a payment intent that already paid for another purchase, without failing the webhook', async () => {
    const first = await startCheckout();
    const second = await startCheckout();
    await fulfillment().handleStripeEvent(
      eventOf('checkout.session.completed', sessionAfter(first.sessionId, paidWith('pi_shared_1'))),
    );
    const event = eventOf(
      'checkout.session.completed',
      sessionAfter(second.sessionId, paidWith('pi_shared_1')),
    );

    const outcome = await fulfillment().handleStripeEvent(event);

    expect(outcome).toMatchObject({ result: { status: 'flagged', kind: 'linkage_mismatch' } });
    expect((await purchaseRow(second.purchaseId))?.status).toBe('pending');
    const inbox = await testDb.db
      .select()
      .from(stripeWebhookEvents)
      .where(eq(stripeWebhookEvents.id, event.id));
    expect(inbox).toHaveLength(1);
  });

  it('flags a payment intent collision on the success page too, without an error', async () => {
    const first = await startCheckout();
    const second = await startCheckout();
    await fulfillment().handleStripeEvent(
      eventOf('checkout.session.completed', sessionAfter(first.sessionId, paidWith('pi_shared_2'))),
    );
    sessionAfter(second.sessionId, paidWith('pi_shared_2'));

    const answer = await fulfillment().confirmCheckoutSession(second.customerId, second.sessionId);

    expect(answer).toMatchObject({ status: 'pending' });
    const anomalies = await testDb.db
      .select()
      .from(fulfillmentAnomalies)
      .where(eq(fulfillmentAnomalies.purchaseId, second.purchaseId));
    expect(anomalies.map((anomaly) => anomaly.kind)).toEqual(['linkage_mismatch']);
  });

  it('flags money taken for a purchase that had already failed', async () => {
    const checkout = await startCheckout();
    await testDb.db
      .update(contentPurchases)
      .set({ status: 'failed' })
      .where(eq(contentPurchases.id, checkout.purchaseId));
    const outcome = await fulfillment().handleStripeEvent(
      eventOf(
        'checkout.session.completed',
        sessionAfter(checkout.sessionId, paidWith('pi_after_fail')),
      ),
    );
    expect(outcome).toMatchObject({ result: { status: 'flagged', kind: 'paid_after_failure' } });
    expect((await purchaseRow(checkout.purchaseId))?.status).toBe('failed');
  });

  it('acknowledges sessions that are not ours and event types it does not handle', async () => {
    const foreign = {
      id: 'cs_test_not_ours_1',
      client_reference_id: null,
      metadata: {},
      payment_status: 'paid',
      status: 'complete',
      amount_total: 500,
      currency: 'usd',
      payment_intent: 'pi_not_ours',
    } as unknown as Stripe.Checkout.Session;
    expect(
      await fulfillment().handleStripeEvent(eventOf('checkout.session.completed', foreign)),
    ).toEqual({ status: 'processed', result: { status: 'unknown_purchase' } });
    expect(await fulfillment().handleStripeEvent(eventOf('customer.created', foreign))).toEqual({
      status: 'ignored',
      reason: 'unhandled_type',
    });
  });
});

describe('handleStripeEvent: failures', () => {
  it('commits nothing when processing fails halfway, and processes the redelivery', async () => {
    const checkout = await startCheckout();
    const event = eventOf(
      'checkout.session.completed',
      sessionAfter(checkout.sessionId, paidWith('pi_retry_1')),
    );
    // A trigger makes the completing UPDATE fail after the inbox row was inserted.
    const trigger = `fail_${checkout.purchaseId.replaceAll('-', '')}`;
    await testDb.db.execute(
      sql.raw(`CREATE FUNCTION ${trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.id = '${checkout.purchaseId}' THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$;
        CREATE TRIGGER ${trigger} BEFORE UPDATE ON content_purchases FOR EACH ROW EXECUTE FUNCTION ${trigger}();`),
    );
    try {
      await expect(fulfillment().handleStripeEvent(event)).rejects.toThrow();
      const inbox = await testDb.db
        .select()
        .from(stripeWebhookEvents)
        .where(eq(stripeWebhookEvents.id, event.id));
      expect(inbox).toEqual([]);
      expect((await purchaseRow(checkout.purchaseId))?.status).toBe('pending');
    } finally {
      await testDb.db.execute(
        sql.raw(`DROP TRIGGER ${trigger} ON content_purchases; DROP FUNCTION ${trigger}();`),
      );
    }

    const redelivered = await fulfillment().handleStripeEvent(event);
    expect(redelivered).toMatchObject({ status: 'processed', result: { status: 'completed' } });
  });
});

describe('confirmCheckoutSession (success page)', () => {
  it('grants access the moment the buyer lands, before any webhook', async () => {
    const checkout = await startCheckout();
    sessionAfter(checkout.sessionId, paidWith('pi_success_page'));

    const answer = await fulfillment().confirmCheckoutSession(
      checkout.customerId,
      checkout.sessionId,
    );

    expect(answer).toEqual({
      status: 'completed',
      purchaseId: checkout.purchaseId,
      contentId: checkout.contentId,
    });
    expect(await hasAccess(testDb.db, checkout.customerId, checkout.contentId)).toBe(true);
    // The webhook that follows changes nothing.
    const late = await fulfillment().handleStripeEvent(
      eventOf('checkout.session.completed', sessionAfter(checkout.sessionId, {})),
    );
    expect(late).toMatchObject({ result: { status: 'already_completed' } });
  });

  it('answers pending while the session is open, failed once it expired', async () => {
    const checkout = await startCheckout();
    expect(
      await fulfillment().confirmCheckoutSession(checkout.customerId, checkout.sessionId),
    ).toMatchObject({
      status: 'pending',
    });
    stub.updateSession(checkout.sessionId, { status: 'expired' });
    // A poll moments later is answered from the database: Stripe is not asked again yet.
    expect(
      await fulfillment().confirmCheckoutSession(checkout.customerId, checkout.sessionId),
    ).toMatchObject({ status: 'pending' });
    const later = () => new Date(Date.now() + CONFIRMATION_MIN_INTERVAL_MS + 1_000);
    expect(
      await fulfillment(later).confirmCheckoutSession(checkout.customerId, checkout.sessionId),
    ).toMatchObject({
      status: 'failed',
    });
  });

  it('knows nothing of another customer’s session', async () => {
    const checkout = await startCheckout();
    sessionAfter(checkout.sessionId, paidWith('pi_someone_else'));
    expect(
      await fulfillment().confirmCheckoutSession(createTestUser(), checkout.sessionId),
    ).toBeUndefined();
    expect((await purchaseRow(checkout.purchaseId))?.status).toBe('pending');
  });
});

describe('reconcilePendingPurchases', () => {
  it('completes paid and fails expired purchases whose webhooks never came, and prunes the inbox', async () => {
    const paidCheckout = await startCheckout();
    const expiredCheckout = await startCheckout();
    const openCheckout = await startCheckout();
    const recentCheckout = await startCheckout();
    sessionAfter(paidCheckout.sessionId, paidWith('pi_reconciled'));
    sessionAfter(expiredCheckout.sessionId, { status: 'expired' });
    sessionAfter(recentCheckout.sessionId, paidWith('pi_recent'));
    const old = new Date(Date.now() - 20 * 60_000);
    for (const { purchaseId } of [paidCheckout, expiredCheckout, openCheckout]) {
      await testDb.db
        .update(contentPurchases)
        .set({ createdAt: old })
        .where(eq(contentPurchases.id, purchaseId));
    }
    // Abandoned before its session was created.
    const abandonedItem = await testDb.db
      .select()
      .from(content)
      .where(eq(content.id, openCheckout.contentId));
    const [abandoned] = await testDb.db
      .insert(contentPurchases)
      .values({
        customerId: createTestUser(),
        contentId: openCheckout.contentId,
        organizationId: abandonedItem[0]?.organizationId ?? '',
        pricePaidCents: 1_999,
        currency: 'usd',
        createdAt: old,
      })
      .returning();
    await testDb.db.insert(stripeWebhookEvents).values({
      id: `evt_ancient_${Date.now()}`,
      type: 'checkout.session.completed',
      receivedAt: new Date(Date.now() - 40 * 86_400_000),
    });

    const summary = await fulfillment().reconcilePendingPurchases({ stripeCallBudget: 1000 });

    expect((await purchaseRow(paidCheckout.purchaseId))?.status).toBe('completed');
    expect((await purchaseRow(expiredCheckout.purchaseId))?.status).toBe('failed');
    expect((await purchaseRow(openCheckout.purchaseId))?.status).toBe('pending');
    expect((await purchaseRow(recentCheckout.purchaseId))?.status).toBe('pending');
    expect((await purchaseRow(abandoned?.id ?? ''))?.status).toBe('failed');
    expect(summary.completed).toBeGreaterThanOrEqual(1);
    expect(summary.failed).toBeGreaterThanOrEqual(2);
    expect(summary.pruned).toBeGreaterThanOrEqual(1);
    expect(logLines.some((line) => line.includes('"message":"reconciliation finished"'))).toBe(
      true,
    );
  });

  it('rotates through pending purchases, so ones that stay pending cannot starve the rest', async () => {
    const stuck = await startCheckout();
    const lost = await startCheckout();
    sessionAfter(stuck.sessionId, { status: 'complete', payment_status: 'unpaid' });
    sessionAfter(lost.sessionId, paidWith('pi_rotation'));
    await testDb.db
      .update(contentPurchases)
      .set({ createdAt: new Date(Date.now() - 30 * 60_000) })
      .where(eq(contentPurchases.id, stuck.purchaseId));
    await testDb.db
      .update(contentPurchases)
      .set({ createdAt: new Date(Date.now() - 20 * 60_000) })
      .where(eq(contentPurchases.id, lost.purchaseId));

    await fulfillment().reconcilePendingPurchases({ stripeCallBudget: 1 });
    expect((await purchaseRow(stuck.purchaseId))?.lastReconciledAt).toBeInstanceOf(Date);
    expect((await purchaseRow(lost.purchaseId))?.status).toBe('pending');

    await fulfillment().reconcilePendingPurchases({ stripeCallBudget: 1 });
    expect((await purchaseRow(lost.purchaseId))?.status).toBe('completed');
    expect((await purchaseRow(stuck.purchaseId))?.status).toBe('pending');
  });

  it('is safe to run twice at once', async () => {
    const checkout = await startCheckout();
    sessionAfter(checkout.sessionId, paidWith('pi_twice'));
    await testDb.db
      .update(contentPurchases)
      .set({ createdAt: new Date(Date.now() - 20 * 60_000) })
      .where(eq(contentPurchases.id, checkout.purchaseId));

    const [first, second] = await Promise.all([
      fulfillment().reconcilePendingPurchases({ stripeCallBudget: 1000 }),
      fulfillment().reconcilePendingPurchases({ stripeCallBudget: 1000 }),
    ]);

    expect((await purchaseRow(checkout.purchaseId))?.status).toBe('completed');
    expect(first.errors + second.errors).toBe(0);
  });
});
