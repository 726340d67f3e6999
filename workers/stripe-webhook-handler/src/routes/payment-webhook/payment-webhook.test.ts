import { contentPurchases } from '@codex/database';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  anomaliesOf,
  captureConsole,
  checkoutSession,
  deliver,
  type ErrorAnswer,
  hasAccess,
  inboxRows,
  readPurchase,
  seedPendingPurchase,
  stripeEvent,
  stripeId,
  type WebhookAnswer,
  withTestDatabase,
} from '../../testing/test-support';

afterEach(() => {
  vi.restoreAllMocks();
});

async function answerOf(response: Response): Promise<WebhookAnswer> {
  expect(response.status).toBe(200);
  return (await response.json()) as WebhookAnswer;
}

describe('checkout.session events', () => {
  it('completed and paid: completes the purchase with its payment intent and grants access', async () => {
    const purchase = await seedPendingPurchase({ priceCents: 1_250 });
    const paymentIntent = stripeId('pi_');
    const event = stripeEvent(
      'checkout.session.completed',
      checkoutSession(purchase, { payment_intent: paymentIntent }),
    );
    expect(await hasAccess(purchase)).toBe(false);
    const before = Date.now();

    const answer = await answerOf(await deliver(event));

    expect(answer).toEqual({ received: true, outcome: 'processed', result: 'completed' });
    const after = await readPurchase(purchase.purchaseId);
    expect(after).toMatchObject({ status: 'completed', stripePaymentIntentId: paymentIntent });
    expect(after.purchasedAt?.getTime()).toBeGreaterThanOrEqual(before - 5_000);
    expect(after.purchasedAt?.getTime()).toBeLessThanOrEqual(Date.now() + 5_000);
    expect(await hasAccess(purchase)).toBe(true);
    expect(await inboxRows(event.id)).toMatchObject([
      { id: event.id, type: 'checkout.session.completed' },
    ]);
  });

  it('completed but unpaid (delayed payment method): stays pending; async_payment_succeeded completes it', async () => {
    const purchase = await seedPendingPurchase();
    const paymentIntent = stripeId('pi_');
    const unpaid = stripeEvent(
      'checkout.session.completed',
      checkoutSession(purchase, { payment_status: 'unpaid', payment_intent: paymentIntent }),
    );

    expect(await answerOf(await deliver(unpaid))).toMatchObject({ result: 'awaiting_payment' });
    expect(await readPurchase(purchase.purchaseId)).toMatchObject({
      status: 'pending',
      purchasedAt: null,
    });
    expect(await hasAccess(purchase)).toBe(false);

    const settled = stripeEvent(
      'checkout.session.async_payment_succeeded',
      checkoutSession(purchase, { payment_intent: paymentIntent }),
    );
    expect(await answerOf(await deliver(settled))).toMatchObject({ result: 'completed' });
    expect(await readPurchase(purchase.purchaseId)).toMatchObject({
      status: 'completed',
      stripePaymentIntentId: paymentIntent,
    });
    expect(await hasAccess(purchase)).toBe(true);
  });

  it('async_payment_failed: fails the purchase, and a new checkout of the same content can start', async () => {
    const purchase = await seedPendingPurchase();
    await deliver(
      stripeEvent(
        'checkout.session.completed',
        checkoutSession(purchase, { payment_status: 'unpaid' }),
      ),
    );

    const failed = stripeEvent(
      'checkout.session.async_payment_failed',
      checkoutSession(purchase, { payment_status: 'unpaid' }),
    );
    expect(await answerOf(await deliver(failed))).toMatchObject({ result: 'failed' });

    expect((await readPurchase(purchase.purchaseId)).status).toBe('failed');
    expect(await hasAccess(purchase)).toBe(false);
    // At most one active purchase per customer and content: this insert fails while one is pending.
    const [retry] = await withTestDatabase((db) =>
      db
        .insert(contentPurchases)
        .values({
          customerId: purchase.customerId,
          contentId: purchase.contentId,
          organizationId: purchase.organizationId,
          pricePaidCents: purchase.priceCents,
          currency: purchase.currency,
          status: 'pending',
        })
        .returning({ status: contentPurchases.status }),
    );
    expect(retry).toEqual({ status: 'pending' });
  });

  it('expired: fails the purchase', async () => {
    const purchase = await seedPendingPurchase();
    const event = stripeEvent(
      'checkout.session.expired',
      checkoutSession(purchase, {
        status: 'expired',
        payment_status: 'unpaid',
        payment_intent: null,
      }),
    );
    expect(await answerOf(await deliver(event))).toMatchObject({ result: 'failed' });
    expect((await readPurchase(purchase.purchaseId)).status).toBe('failed');
  });

  it('acknowledges an event type it does not handle with 200 ignored', async () => {
    const event = stripeEvent('customer.created', {
      id: `cus_${crypto.randomUUID().slice(0, 14)}`,
      object: 'customer',
      email: null,
    });
    expect(await answerOf(await deliver(event))).toEqual({ received: true, outcome: 'ignored' });
  });

  it('acknowledges a session that is not ours with 200 and changes nothing', async () => {
    const warnings = captureConsole('warn');
    const purchase = await seedPendingPurchase();
    // Same customer and content as a real pending purchase, but another session and purchase id.
    const foreign = stripeEvent(
      'checkout.session.completed',
      checkoutSession(
        { ...purchase, sessionId: stripeId('cs_test_'), purchaseId: crypto.randomUUID() },
        {},
      ),
    );

    expect(await answerOf(await deliver(foreign))).toEqual({
      received: true,
      outcome: 'processed',
      result: 'unknown_purchase',
    });
    expect(await readPurchase(purchase.purchaseId)).toMatchObject({
      status: 'pending',
      stripePaymentIntentId: null,
    });
    expect(await anomaliesOf(purchase.purchaseId)).toEqual([]);
    expect(warnings.some((line) => line.includes('event references no purchase of ours'))).toBe(
      true,
    );
  });
});

describe('exactly once', () => {
  it('settles 20 parallel deliveries of one event on one completion, one inbox row and one log line', async () => {
    const logs = captureConsole('log');
    const purchase = await seedPendingPurchase();
    const event = stripeEvent('checkout.session.completed', checkoutSession(purchase));

    const responses = await Promise.all(Array.from({ length: 20 }, () => deliver(event)));

    const answers = await Promise.all(responses.map(answerOf));
    const results = answers.map((answer) => answer.result ?? answer.outcome);
    expect(results.filter((result) => result === 'completed')).toHaveLength(1);
    expect(results.filter((result) => result === 'duplicate')).toHaveLength(19);
    expect((await readPurchase(purchase.purchaseId)).status).toBe('completed');
    expect(await inboxRows(event.id)).toHaveLength(1);
    const completedLines = logs.filter(
      (line) => line.includes('"message":"purchase completed"') && line.includes(event.id),
    );
    expect(completedLines).toHaveLength(1);
  });

  it('answers a later redelivery duplicate without touching the purchase again', async () => {
    const purchase = await seedPendingPurchase();
    const event = stripeEvent('checkout.session.completed', checkoutSession(purchase));
    await deliver(event);
    const first = await readPurchase(purchase.purchaseId);

    expect(await answerOf(await deliver(event))).toEqual({ received: true, outcome: 'duplicate' });
    expect(await readPurchase(purchase.purchaseId)).toEqual(first);
  });
});

describe('out of order', () => {
  it('an expired event after completion changes nothing', async () => {
    const purchase = await seedPendingPurchase();
    await deliver(stripeEvent('checkout.session.completed', checkoutSession(purchase)));
    const completed = await readPurchase(purchase.purchaseId);

    const late = stripeEvent(
      'checkout.session.expired',
      checkoutSession(purchase, { status: 'expired', payment_status: 'unpaid' }),
    );
    const answer = await answerOf(await deliver(late));

    expect(answer.outcome).toBe('processed');
    expect(answer.result).not.toBe('failed');
    expect(await readPurchase(purchase.purchaseId)).toEqual(completed);
    expect(await hasAccess(purchase)).toBe(true);
  });

  it('a paid completion after expiry does not revive the purchase; the money is flagged for review', async () => {
    captureConsole('error');
    const purchase = await seedPendingPurchase();
    await deliver(
      stripeEvent(
        'checkout.session.expired',
        checkoutSession(purchase, { status: 'expired', payment_status: 'unpaid' }),
      ),
    );

    const late = stripeEvent('checkout.session.completed', checkoutSession(purchase));
    expect(await answerOf(await deliver(late))).toMatchObject({ result: 'flagged' });
    expect((await readPurchase(purchase.purchaseId)).status).toBe('failed');
    expect(await hasAccess(purchase)).toBe(false);
    expect((await anomaliesOf(purchase.purchaseId)).map((anomaly) => anomaly.kind)).toEqual([
      'paid_after_failure',
    ]);
  });
});

describe('payments that do not match the purchase', () => {
  it.each([
    ['amount', { amount_total: 1 }, 'amount_mismatch', { expected: 999, received: 1 }],
    ['currency', { currency: 'eur' }, 'currency_mismatch', { expected: 'usd', received: 'eur' }],
  ])(
    'a different %s: stays pending, no access, an anomaly recorded for review',
    async (_label, overrides, kind, details) => {
      captureConsole('error');
      const purchase = await seedPendingPurchase({ priceCents: 999, currency: 'usd' });
      const event = stripeEvent('checkout.session.completed', checkoutSession(purchase, overrides));

      expect(await answerOf(await deliver(event))).toMatchObject({ result: 'flagged' });

      expect(await readPurchase(purchase.purchaseId)).toMatchObject({
        status: 'pending',
        purchasedAt: null,
      });
      expect(await hasAccess(purchase)).toBe(false);
      expect(await anomaliesOf(purchase.purchaseId)).toMatchObject([
        { stripeObjectId: purchase.sessionId, kind, details, resolvedAt: null },
      ]);
    },
  );
});

describe('infrastructure failure', () => {
  it('answers 500 when the database fails mid-delivery; the redelivery is then processed', async () => {
    const errors = captureConsole('error');
    captureConsole('warn');
    const purchase = await seedPendingPurchase();
    const event = stripeEvent('checkout.session.completed', checkoutSession(purchase));

    const failed = await deliver(event, {
      overrides: { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' },
    });

    expect(failed.status).toBe(500);
    const text = await failed.text();
    expect(JSON.parse(text) as ErrorAnswer).toMatchObject({
      error: { code: 'INTERNAL_ERROR', message: 'Internal server error' },
    });
    expect(text).not.toMatch(/127\.0\.0\.1|nowhere|postgres/i);
    expect(errors.some((line) => line.includes('"code":"INTERNAL_ERROR"'))).toBe(true);
    expect((await readPurchase(purchase.purchaseId)).status).toBe('pending');
    expect(await inboxRows(event.id)).toEqual([]);

    // Stripe redelivers the same event with a fresh signature.
    const redelivered = await deliver(event);
    expect(await answerOf(redelivered)).toMatchObject({
      outcome: 'processed',
      result: 'completed',
    });
    expect((await readPurchase(purchase.purchaseId)).status).toBe('completed');
    expect(await inboxRows(event.id)).toHaveLength(1);
  });
});
