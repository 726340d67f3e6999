import { expectHealthAnswer } from '@codex/worker-runtime/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  callWorker,
  captureConsole,
  checkoutSession,
  deliver,
  type ErrorAnswer,
  inboxRows,
  PAYMENT_WEBHOOK_PATH,
  readPurchase,
  seedPendingPurchase,
  stripeEvent,
  testEnv,
} from './testing/test-support';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('edge behaviour', () => {
  it('answers GET /health with security headers and a request id', async () => {
    await expectHealthAnswer(await callWorker('/health'));
  });

  it.each([
    ['an unknown path', '/nothing-here', 'GET'],
    ['another Stripe endpoint', '/webhooks/stripe/billing', 'POST'],
    ['GET on the Connect webhook', '/webhooks/stripe/connect', 'GET'],
    ['GET on the webhook', PAYMENT_WEBHOOK_PATH, 'GET'],
  ])('answers 404 NOT_FOUND in the error shape for %s', async (_label, path, method) => {
    const response = await callWorker(path, { method });
    expect(response.status).toBe(404);
    const body = (await response.json()) as ErrorAnswer;
    expect(body.error.code).toBe('NOT_FOUND');
    expect(body.error.requestId).toBe(response.headers.get('X-Request-Id'));
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
  });
});

describe('misconfiguration', () => {
  it('answers 500 without details, logs one line naming the missing webhook secret, and changes nothing', async () => {
    const errors = captureConsole('error');
    const purchase = await seedPendingPurchase();
    const event = stripeEvent('checkout.session.completed', checkoutSession(purchase));

    const response = await deliver(event, {
      overrides: { STRIPE_WEBHOOK_SECRET_PAYMENT: undefined },
    });

    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text).error).toMatchObject({
      code: 'INTERNAL_ERROR',
      message: 'Internal server error',
    });
    expect(text).not.toMatch(/STRIPE|whsec/);
    const configLines = errors.filter((line) => line.includes('worker misconfigured'));
    expect(configLines).toHaveLength(1);
    expect(configLines[0]).toContain('STRIPE_WEBHOOK_SECRET_PAYMENT: missing');
    expect((await readPurchase(purchase.purchaseId)).status).toBe('pending');
    expect(await inboxRows(event.id)).toEqual([]);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
  ])(
    'answers 500 and logs one line naming STRIPE_SECRET_KEY when it is %s (refunds and disputes need Stripe reads), and changes nothing',
    async (_label, value) => {
      const errors = captureConsole('error');
      const purchase = await seedPendingPurchase();
      const event = stripeEvent('checkout.session.completed', checkoutSession(purchase));

      const response = await deliver(event, { overrides: { STRIPE_SECRET_KEY: value } });

      expect(response.status).toBe(500);
      expect(((await response.json()) as ErrorAnswer).error.code).toBe('INTERNAL_ERROR');
      const [line, ...others] = errors.filter((entry) => entry.includes('worker misconfigured'));
      expect(others).toEqual([]);
      expect(line).toContain('STRIPE_SECRET_KEY: missing');
      expect((await readPurchase(purchase.purchaseId)).status).toBe('pending');
      expect(await inboxRows(event.id)).toEqual([]);
    },
  );

  it('names malformed bindings without ever logging their values', async () => {
    const errors = captureConsole('error');
    const response = await callWorker(
      PAYMENT_WEBHOOK_PATH,
      { method: 'POST', headers: { 'Stripe-Signature': 't=1,v1=00' }, body: '{}' },
      {
        STRIPE_WEBHOOK_SECRET_PAYMENT: 'sk_test_pasted_into_the_wrong_secret',
        DATABASE_URL: 'mysql://app:hunter2@db/codex',
      },
    );
    expect(response.status).toBe(500);
    const [line, ...others] = errors.filter((entry) => entry.includes('worker misconfigured'));
    expect(others).toEqual([]);
    expect(line).toContain(
      'STRIPE_WEBHOOK_SECRET_PAYMENT: must be a Stripe webhook signing secret',
    );
    expect(line).toContain('DATABASE_URL: must be a postgres:// connection string');
    expect(line).not.toContain('pasted_into_the_wrong_secret');
    expect(line).not.toContain('hunter2');
    expect(line).not.toContain(testEnv.STRIPE_SECRET_KEY);
  });

  it('refuses the placeholder signing secret of .dev.vars.example, naming it, never its value', async () => {
    const errors = captureConsole('error');
    const purchase = await seedPendingPurchase();
    const event = stripeEvent('checkout.session.completed', checkoutSession(purchase));
    const placeholder = 'whsec_replace_me';

    // Signed with the placeholder itself: only the configuration check can refuse it.
    const response = await deliver(event, {
      secret: placeholder,
      overrides: { STRIPE_WEBHOOK_SECRET_PAYMENT: placeholder },
    });

    expect(response.status).toBe(500);
    const [line, ...others] = errors.filter((entry) => entry.includes('worker misconfigured'));
    expect(others).toEqual([]);
    expect(line).toContain('STRIPE_WEBHOOK_SECRET_PAYMENT: is a placeholder');
    expect(line).not.toContain(placeholder);
    expect((await readPurchase(purchase.purchaseId)).status).toBe('pending');
  });
});
