import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  callWorker,
  captureConsole,
  checkoutSession,
  type DeliverOptions,
  deliver,
  type ErrorAnswer,
  inboxRows,
  keptBodies,
  PAYMENT_WEBHOOK_PATH,
  readPurchase,
  seedPendingPurchase,
  signPayload,
  stripeEvent,
  type TestEvent,
  type WebhookAnswer,
} from '../../testing/test-support';

const UNREACHABLE_DATABASE = 'postgres://postgres@127.0.0.1:1/nowhere';

afterEach(() => {
  vi.restoreAllMocks();
});

async function paidEvent() {
  const purchase = await seedPendingPurchase();
  return { purchase, event: stripeEvent('checkout.session.completed', checkoutSession(purchase)) };
}

describe('Stripe signature verification', () => {
  it('accepts an event signed with the endpoint secret, verified on the raw bytes', async () => {
    const { purchase, event } = await paidEvent();
    // Stripe sends pretty-printed JSON: verifying a re-serialised body would fail.
    const response = await deliver(JSON.stringify(event, null, 2));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      received: true,
      outcome: 'processed',
      result: 'completed',
    } satisfies WebhookAnswer);
    expect((await readPurchase(purchase.purchaseId)).status).toBe('completed');
  });

  const rejections: Array<[string, (event: TestEvent) => Promise<DeliverOptions>, string]> = [
    [
      'a tampered body (amount lowered after signing)',
      async (event) => ({
        body: JSON.stringify(event).replace(/"amount_total":\d+/, '"amount_total":1'),
      }),
      'Invalid Stripe signature',
    ],
    [
      'a signature made with another secret',
      async () => ({ secret: 'whsec_someone_elses_endpoint_secret_0123' }),
      'Invalid Stripe signature',
    ],
    [
      'a signature older than 5 minutes (a replay)',
      async () => ({ timestamp: Math.floor(Date.now() / 1000) - 600 }),
      'Invalid Stripe signature',
    ],
    [
      'a signature timestamped a day in the future (made to outlive the replay window)',
      async () => ({ timestamp: Math.floor(Date.now() / 1000) + 24 * 60 * 60 }),
      'Invalid Stripe signature',
    ],
    [
      'a signature timestamped just past the tolerance ahead of now',
      async () => ({ timestamp: Math.floor(Date.now() / 1000) + 300 + 30 }),
      'Invalid Stripe signature',
    ],
    [
      'a malformed Stripe-Signature header',
      async () => ({ signature: 'not-a-stripe-signature' }),
      'Invalid Stripe signature',
    ],
    [
      'a header with the timestamp of one signature and the v1 of another',
      async (event) => {
        const fresh = await signPayload(JSON.stringify({ ...event, id: 'evt_other' }));
        return { signature: fresh };
      },
      'Invalid Stripe signature',
    ],
    [
      'no Stripe-Signature header',
      async () => ({ signature: null }),
      'Missing Stripe-Signature header',
    ],
  ];

  it.each(rejections)(
    'answers 400 VALIDATION_ERROR for %s and changes nothing',
    async (_label, options, message) => {
      const warnings = captureConsole('warn');
      const { purchase, event } = await paidEvent();

      const response = await deliver(event, await options(event));

      expect(response.status).toBe(400);
      const body = (await response.json()) as ErrorAnswer;
      expect(body.error).toMatchObject({ code: 'VALIDATION_ERROR', message });
      expect(body.error.requestId).toBe(response.headers.get('X-Request-Id'));
      expect(warnings.filter((line) => line.includes('stripe webhook rejected'))).toHaveLength(1);
      const after = await readPurchase(purchase.purchaseId);
      expect(after).toMatchObject({
        status: 'pending',
        stripePaymentIntentId: null,
        purchasedAt: null,
      });
      expect(await inboxRows(event.id)).toEqual([]);
    },
  );

  it('logs why a future timestamp was refused, never the header', async () => {
    const warnings = captureConsole('warn');
    const { event } = await paidEvent();
    const signature = await signPayload(JSON.stringify(event), {
      timestamp: Math.floor(Date.now() / 1000) + 24 * 60 * 60,
    });

    const response = await deliver(event, { signature });

    expect(response.status).toBe(400);
    const [line, ...others] = warnings.filter((entry) => entry.includes('stripe webhook rejected'));
    expect(others).toEqual([]);
    expect(JSON.parse(line ?? '{}')).toMatchObject({
      level: 'warn',
      context: { reason: 'timestamp too far in the future' },
    });
    expect(line).not.toContain(signature);
    expect(line).not.toMatch(/v1=|t=\d/);
  });

  it('accepts a signature a little ahead of our clock (skew within the tolerance)', async () => {
    const { purchase, event } = await paidEvent();
    const response = await deliver(event, { timestamp: Math.floor(Date.now() / 1000) + 60 });
    expect(response.status).toBe(200);
    expect((await readPurchase(purchase.purchaseId)).status).toBe('completed');
  });

  it('refuses a bad signature before any database work (an unreachable database is never noticed)', async () => {
    captureConsole('warn');
    captureConsole('error');
    const { event } = await paidEvent();
    const overrides = { DATABASE_URL: UNREACHABLE_DATABASE };

    const forged = await deliver(event, { secret: 'whsec_forged_0123456789', overrides });
    const unsigned = await deliver(event, { signature: null, overrides });
    // Control: the same request, correctly signed, does reach the (unreachable) database.
    const genuine = await deliver(event, { overrides });

    expect(forged.status).toBe(400);
    expect(unsigned.status).toBe(400);
    expect(genuine.status).toBe(500);
  });

  it.each([
    ['not JSON', new TextEncoder().encode('{"id":"evt_1",')],
    [
      'not UTF-8 (signed over its bytes, which the Stripe SDK cannot verify)',
      Uint8Array.of(0x7b, 0xff, 0x00, 0x7d),
    ],
  ])('keeps a correctly signed body that is %s and answers 200', async (_label, body) => {
    const errors = captureConsole('error');

    const response = await deliver(body);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, outcome: 'rejected' });
    expect(await keptBodies(body)).toHaveLength(1);
    const [line, ...others] = errors.filter((entry) => entry.includes('kept for replay'));
    expect(others).toEqual([]);
    expect(JSON.parse(line ?? '{}')).toMatchObject({ level: 'error' });
  });

  it('refuses bytes that are not UTF-8 signed with another secret, keeping nothing', async () => {
    captureConsole('warn');
    const body = Uint8Array.from([0xff, 0x00, ...crypto.getRandomValues(new Uint8Array(16))]);
    const response = await deliver(body, { secret: 'whsec_someone_elses_endpoint_secret_0123' });
    expect(response.status).toBe(400);
    expect(await keptBodies(body)).toEqual([]);
  });
});

describe('body limit', () => {
  it('answers 413 PAYLOAD_TOO_LARGE for a correctly signed body over 256 KiB, and changes nothing', async () => {
    const purchase = await seedPendingPurchase();
    const event = stripeEvent(
      'checkout.session.completed',
      checkoutSession(purchase, { padding: 'x'.repeat(256 * 1024) }),
    );

    const response = await deliver(event);

    expect(response.status).toBe(413);
    expect(((await response.json()) as ErrorAnswer).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await readPurchase(purchase.purchaseId)).status).toBe('pending');
    expect(await inboxRows(event.id)).toEqual([]);
  });

  it('accepts a correctly signed event just under 256 KiB', async () => {
    const purchase = await seedPendingPurchase();
    const event = stripeEvent('checkout.session.completed', checkoutSession(purchase));
    const envelope = JSON.stringify({ ...event, padding: '' }).length;
    const padded = { ...event, padding: 'x'.repeat(256 * 1024 - envelope - 16) };

    const response = await deliver(padded);

    expect(response.status).toBe(200);
    expect((await readPurchase(purchase.purchaseId)).status).toBe('completed');
  });

  it('answers 413 for an oversized body streamed without Content-Length', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 5) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await callWorker(PAYMENT_WEBHOOK_PATH, {
      method: 'POST',
      headers: { 'Stripe-Signature': 't=1,v1=00' },
      body,
    });
    expect(response.status).toBe(413);
  });
});
