import {
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { checkoutSessionParams } from '@codex/purchases';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WebhookBindings } from './env';
import worker from './index';
import {
  captureConsole,
  createItem,
  insertPurchase,
  readPurchase,
  stripeId,
  type TestPurchase,
  testEnv,
  testStripeClient,
  updateStubSession,
} from './testing/test-support';

const CRON = '*/10 * * * *';

afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs the worker's Cron Trigger handler to the end of its `waitUntil` work. */
async function runReconciliation(overrides: Partial<WebhookBindings> = {}): Promise<void> {
  const controller = createScheduledController({ scheduledTime: new Date(), cron: CRON });
  const ctx = createExecutionContext();
  await worker.scheduled(controller, { ...testEnv, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
}

/**
 * A pending purchase created `ageMinutes` ago, linked to a real Checkout Session on the Stripe
 * stand-in (created through the SDK with the checkout's own parameters, `checkoutSessionParams`). No webhook is ever sent for it.
 */
async function pendingPurchaseWithSession(ageMinutes: number): Promise<TestPurchase> {
  const item = await createItem({ priceCents: 1_500 });
  const purchaseId = crypto.randomUUID();
  const session = await testStripeClient().checkout.sessions.create(
    checkoutSessionParams({
      purchaseId,
      customerId: item.customerId,
      item: {
        id: item.contentId,
        organizationId: item.organizationId,
        title: 'Reconciliation test item',
        description: null,
        priceCents: item.priceCents,
        currency: item.currency,
      },
      buyer: { email: undefined, createCustomer: false },
      terms: { taxBehavior: null },
      webAppUrl: testEnv.WEB_APP_URL,
      now: new Date(),
      ttlMinutes: 30,
    }),
  );
  return insertPurchase(item, {
    id: purchaseId,
    sessionId: session.id,
    createdAt: minutesAgo(ageMinutes),
  });
}

function minutesAgo(minutes: number): Date {
  return new Date(Date.now() - minutes * 60_000);
}

async function markPaid(purchase: TestPurchase): Promise<string> {
  const paymentIntent = stripeId('pi_');
  await updateStubSession(String(purchase.sessionId), {
    status: 'complete',
    payment_status: 'paid',
    payment_intent: paymentIntent,
  });
  return paymentIntent;
}

describe('scheduled reconciliation', () => {
  it('completes paid and fails expired or abandoned purchases whose webhooks never came; leaves recent and unpaid ones', async () => {
    const logs = captureConsole('log');
    const paid = await pendingPurchaseWithSession(20);
    const paidIntent = await markPaid(paid);
    const expired = await pendingPurchaseWithSession(20);
    await updateStubSession(String(expired.sessionId), { status: 'expired' });
    const stillOpen = await pendingPurchaseWithSession(20);
    const recent = await pendingPurchaseWithSession(2);
    await markPaid(recent);
    const abandoned = await insertPurchase(await createItem(), {
      sessionId: null,
      createdAt: minutesAgo(20),
    });

    await runReconciliation();

    expect(await readPurchase(paid.purchaseId)).toMatchObject({
      status: 'completed',
      stripePaymentIntentId: paidIntent,
    });
    expect((await readPurchase(paid.purchaseId)).purchasedAt).toBeInstanceOf(Date);
    expect((await readPurchase(expired.purchaseId)).status).toBe('failed');
    expect((await readPurchase(abandoned.purchaseId)).status).toBe('failed');
    // Paid at Stripe but only 2 minutes old: its webhook may still be on its way.
    expect((await readPurchase(recent.purchaseId)).status).toBe('pending');
    expect((await readPurchase(stillOpen.purchaseId)).status).toBe('pending');

    const summaries = logs
      .filter((line) => line.includes('"message":"reconciliation finished"'))
      .map((line) => JSON.parse(line) as { context: Record<string, unknown> });
    expect(summaries).toHaveLength(1);
    expect(summaries[0]?.context).toMatchObject({ cron: CRON });
    expect(summaries[0]?.context.completed).toBeGreaterThanOrEqual(1);
    expect(summaries[0]?.context.failed).toBeGreaterThanOrEqual(2);
    expect(summaries[0]?.context.checked).toBeGreaterThanOrEqual(3);
  });

  it('keeps running when the webhook secret is missing (it is the safety net for exactly that)', async () => {
    captureConsole('log');
    const paid = await pendingPurchaseWithSession(20);
    await markPaid(paid);

    await runReconciliation({ STRIPE_WEBHOOK_SECRET_PAYMENT: undefined });

    expect((await readPurchase(paid.purchaseId)).status).toBe('completed');
  });

  it('logs a failed run with trackError and does not throw', async () => {
    captureConsole('warn');
    const errors = captureConsole('error');

    await runReconciliation({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' });

    const tracked = errors
      .map((line) => JSON.parse(line) as { level: string; context: Record<string, unknown> })
      .filter((entry) => entry.context.operation === 'reconcile pending purchases');
    expect(tracked).toHaveLength(1);
    expect(tracked[0]).toMatchObject({ level: 'error', context: { cron: CRON } });
  });

  it('skips the run with one configuration error line when a binding is missing', async () => {
    captureConsole('log');
    const errors = captureConsole('error');
    const paid = await pendingPurchaseWithSession(20);
    await markPaid(paid);

    await runReconciliation({ STRIPE_SECRET_KEY: undefined });

    const configLines = errors.filter((line) => line.includes('worker misconfigured'));
    expect(configLines).toHaveLength(1);
    expect(configLines[0]).toContain('STRIPE_SECRET_KEY: missing');
    expect((await readPurchase(paid.purchaseId)).status).toBe('pending');
  });

  it('spends at most RECONCILIATION_STRIPE_CALL_BUDGET Stripe calls, and says why it stopped', async () => {
    const logs = captureConsole('log');
    for (let index = 0; index < 3; index++) await markPaid(await pendingPurchaseWithSession(20));

    await runReconciliation({ RECONCILIATION_STRIPE_CALL_BUDGET: '2' });

    const summary = logs
      .filter((line) => line.includes('"message":"reconciliation finished"'))
      .map((line) => (JSON.parse(line) as { context: Record<string, unknown> }).context)[0];
    expect(summary?.stripeCalls).toBeLessThanOrEqual(2);
    expect(summary?.stoppedBy).toBe('stripe_call_budget');
  });

  it('refuses a budget that is not a positive whole number', async () => {
    const errors = captureConsole('error');

    await runReconciliation({ RECONCILIATION_TIME_BUDGET_MS: 'soon' });

    expect(errors.filter((line) => line.includes('RECONCILIATION_TIME_BUDGET_MS'))).toHaveLength(1);
  });
});
