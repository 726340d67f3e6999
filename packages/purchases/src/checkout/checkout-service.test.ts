import { content, contentPurchases, eq } from '@codex/database';
import { type StripeStub, startStripeStub } from '@codex/local-stripe';
import { ObservabilityClient } from '@codex/observability';
import {
  type CreateTestContentOptions,
  createTestContent,
  createTestDatabase,
  createTestOrganization,
  createTestUser,
  type TestDatabase,
} from '@codex/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasAccess } from '../access/has-access';
import { CheckoutService } from '../checkout-service';
import { PurchaseError } from '../purchase-error';
import { testStripeClient } from '../testing/test-stripe-client';
import type { CheckoutServiceConfig } from './checkout-context';

const SECRET_KEY = 'sk_test_service_0123456789abcdef';
const WEB_APP_URL = 'https://app.codex.test';

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
  // Nothing secret or personal is ever logged.
  expect(logLines.join('\n')).not.toContain(SECRET_KEY);
});

function createService(
  options: { now?: () => Date; timeoutMs?: number; config?: Partial<CheckoutServiceConfig> } = {},
) {
  return new CheckoutService({
    db: testDb.db,
    stripe: testStripeClient(stub.url, {
      secretKey: SECRET_KEY,
      timeoutMs: options.timeoutMs ?? 5_000,
      maxNetworkRetries: 1,
    }),
    logger: new ObservabilityClient('purchases-test', 'test', {
      write: (line) => logLines.push(line),
    }),
    config: { webAppUrl: WEB_APP_URL, ...options.config },
    ...(options.now ? { clock: options.now } : {}),
  });
}

async function createItem(options: Partial<CreateTestContentOptions> = {}) {
  const organization = await createTestOrganization(testDb.db);
  return createTestContent(testDb.db, { organizationId: organization.id, ...options });
}

function sessionCreationsFor(contentId: string) {
  return stub.requests.filter(
    (request) =>
      request.method === 'POST' &&
      request.path === '/v1/checkout/sessions' &&
      request.form['metadata[contentId]'] === contentId &&
      !request.replayed,
  );
}

async function purchasesOf(customerId: string) {
  return testDb.db
    .select()
    .from(contentPurchases)
    .where(eq(contentPurchases.customerId, customerId))
    .orderBy(contentPurchases.createdAt);
}

async function expectPurchaseError(promise: Promise<unknown>, code: PurchaseError['code']) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(PurchaseError);
  expect((error as PurchaseError).code).toBe(code);
}

describe('createCheckoutSession for paid content', () => {
  it('creates a pending purchase first, then a Stripe session built only from the content row', async () => {
    const item = await createItem({
      priceCents: 1_234,
      currency: 'eur',
      title: 'Mastering Sourdough',
      description: 'A four-hour course',
    });
    const customerId = createTestUser();
    const now = new Date();

    const result = await createService({ now: () => now }).createCheckoutSession(
      customerId,
      item.id,
    );

    expect(result.status).toBe('checkout_created');
    if (result.status !== 'checkout_created') return;
    expect(result.checkoutUrl).toMatch(/^https:\/\/checkout\.stripe\.com\//);

    const [purchase] = await purchasesOf(customerId);
    expect(purchase).toMatchObject({
      id: result.purchaseId,
      status: 'pending',
      contentId: item.id,
      organizationId: item.organizationId,
      pricePaidCents: 1_234,
      currency: 'eur',
      stripeCheckoutSessionId: result.sessionId,
      purchasedAt: null,
    });

    const [request] = sessionCreationsFor(item.id);
    const metadata = {
      purchaseId: result.purchaseId,
      customerId,
      contentId: item.id,
      organizationId: item.organizationId,
    };
    expect(request?.idempotencyKey).toBe(`checkout-session:${result.purchaseId}`);
    expect(request?.body).toMatchObject({
      mode: 'payment',
      client_reference_id: result.purchaseId,
      metadata,
      payment_intent_data: { metadata },
      line_items: [
        {
          quantity: '1',
          price_data: {
            currency: 'eur',
            unit_amount: '1234',
            product_data: { name: 'Mastering Sourdough', description: 'A four-hour course' },
          },
        },
      ],
      success_url: `${WEB_APP_URL}/content/${item.id}?purchase=success&session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${WEB_APP_URL}/content/${item.id}?purchase=cancelled`,
    });
    const expiresAt = Number(request?.form.expires_at);
    const nowSeconds = Math.floor(now.getTime() / 1000);
    expect(expiresAt - nowSeconds).toBeGreaterThanOrEqual(30 * 60);
    expect(expiresAt - nowSeconds).toBeLessThanOrEqual(32 * 60);
  });

  it('hands the same open session back to a second click instead of creating another', async () => {
    const item = await createItem();
    const customerId = createTestUser();
    const service = createService();

    const first = await service.createCheckoutSession(customerId, item.id);
    const second = await service.createCheckoutSession(customerId, item.id);

    expect(first.status).toBe('checkout_created');
    expect(second).toEqual({ ...first, status: 'checkout_reused' });
    expect(sessionCreationsFor(item.id)).toHaveLength(1);
    expect(await purchasesOf(customerId)).toHaveLength(1);
  });

  it('fails a pending purchase whose session expired and starts a new one', async () => {
    const item = await createItem();
    const customerId = createTestUser();
    let now = new Date();
    const service = createService({ now: () => now });
    const first = await service.createCheckoutSession(customerId, item.id);
    if (first.status !== 'checkout_created') throw new Error('expected a new checkout');
    // Its webhook was lost; the stored expiry has passed, so Stripe is asked and says expired.
    stub.updateSession(first.sessionId, { status: 'expired', url: null });
    now = new Date(now.getTime() + 40 * 60_000);

    const second = await service.createCheckoutSession(customerId, item.id);

    expect(second.status).toBe('checkout_created');
    if (second.status !== 'checkout_created') return;
    expect(second.sessionId).not.toBe(first.sessionId);
    const rows = await purchasesOf(customerId);
    expect(rows.map((row) => [row.id, row.status])).toEqual([
      [first.purchaseId, 'failed'],
      [second.purchaseId, 'pending'],
    ]);
  });

  it('expires at Stripe a session about to run out, then starts a new one', async () => {
    const item = await createItem();
    const customerId = createTestUser();
    let now = new Date();
    const service = createService({ now: () => now });
    const first = await service.createCheckoutSession(customerId, item.id);
    if (first.status !== 'checkout_created') throw new Error('expected a new checkout');

    now = new Date(now.getTime() + 29 * 60_000); // two minutes left on the session
    const second = await service.createCheckoutSession(customerId, item.id);

    expect(second.status).toBe('checkout_created');
    expect(stub.getSession(first.sessionId)?.status).toBe('expired');
    expect((await purchasesOf(customerId)).map((row) => row.status)).toEqual(['failed', 'pending']);
  });

  it('reuses the stored session without asking Stripe, even if it was paid meanwhile', async () => {
    const item = await createItem();
    const customerId = createTestUser();
    const service = createService();
    const first = await service.createCheckoutSession(customerId, item.id);
    if (first.status !== 'checkout_created') throw new Error('expected a new checkout');
    stub.updateSession(first.sessionId, { status: 'complete', payment_status: 'paid' });
    const requestsBefore = stub.requests.length;

    const second = await service.createCheckoutSession(customerId, item.id);

    expect(second).toEqual({ ...first, status: 'checkout_reused' });
    expect(stub.requests.length).toBe(requestsBefore);
    expect(sessionCreationsFor(item.id)).toHaveLength(1);
  });

  it('refuses a new checkout when the session near its expiry turns out paid at Stripe', async () => {
    const item = await createItem();
    const customerId = createTestUser();
    let now = new Date();
    const service = createService({ now: () => now });
    const first = await service.createCheckoutSession(customerId, item.id);
    if (first.status !== 'checkout_created') throw new Error('expected a new checkout');
    stub.updateSession(first.sessionId, { status: 'complete', payment_status: 'paid' });
    now = new Date(now.getTime() + 29 * 60_000);

    await expectPurchaseError(
      service.createCheckoutSession(customerId, item.id),
      'ALREADY_PURCHASED',
    );
    expect(sessionCreationsFor(item.id)).toHaveLength(1);
    expect((await purchasesOf(customerId)).map((row) => row.status)).toEqual(['pending']);
  });

  it('retires a pending purchase abandoned before its session was created', async () => {
    const item = await createItem();
    const customerId = createTestUser();
    // A request that died between the insert and the Stripe call leaves this behind.
    const [abandoned] = await testDb.db
      .insert(contentPurchases)
      .values({
        customerId,
        contentId: item.id,
        organizationId: item.organizationId,
        pricePaidCents: item.priceCents,
        currency: item.currency,
        createdAt: new Date(Date.now() - 60 * 60_000),
      })
      .returning();

    const result = await createService().createCheckoutSession(customerId, item.id);

    expect(result.status).toBe('checkout_created');
    const rows = await purchasesOf(customerId);
    expect(rows.find((row) => row.id === abandoned?.id)?.status).toBe('failed');
    expect(rows.filter((row) => row.status === 'pending')).toHaveLength(1);
  });

  it('does not create a second session when the SDK retries a failed call', async () => {
    const item = await createItem();
    const customerId = createTestUser();
    const removeRule = stub.addRule({
      match: { path: '/v1/checkout/sessions', form: { 'metadata[contentId]': item.id } },
      respond: { status: 500 },
      times: 1,
    });
    try {
      const result = await createService().createCheckoutSession(customerId, item.id);
      expect(result.status).toBe('checkout_created');
      const attempts = stub.requests.filter((r) => r.form['metadata[contentId]'] === item.id);
      expect(attempts).toHaveLength(2);
      expect(new Set(attempts.map((r) => r.idempotencyKey)).size).toBe(1);
    } finally {
      removeRule();
    }
  });
});

describe('createCheckoutSession refusals', () => {
  it.each(['draft', 'archived'] as const)('refuses %s content as not found', async (status) => {
    const item = await createItem({ status });
    const customerId = createTestUser();
    await expectPurchaseError(
      createService().createCheckoutSession(customerId, item.id),
      'CONTENT_NOT_FOUND',
    );
    expect(await purchasesOf(customerId)).toEqual([]);
    expect(sessionCreationsFor(item.id)).toEqual([]);
  });

  it.each([
    [10, 'usd'],
    [29, 'gbp'],
    [49, 'jpy'],
    [1_005, 'kwd'],
  ] as const)(
    'refuses a price Stripe cannot charge (%i %s), writing nothing and asking nothing',
    async (priceCents, currency) => {
      const item = await createItem({ priceCents, currency });
      const customerId = createTestUser();
      await expectPurchaseError(
        createService().createCheckoutSession(customerId, item.id),
        'PRICE_NOT_CHARGEABLE',
      );
      expect(await purchasesOf(customerId)).toEqual([]);
      expect(sessionCreationsFor(item.id)).toEqual([]);
    },
  );

  it('fails the purchase and answers PRICE_NOT_CHARGEABLE when Stripe says the amount is too small', async () => {
    // A currency our table does not list: Stripe converts it and decides.
    const item = await createItem({ priceCents: 5, currency: 'krw' });
    const customerId = createTestUser();
    const remove = stub.addRule({
      match: { method: 'POST', path: '/v1/checkout/sessions' },
      respond: {
        status: 400,
        body: {
          error: {
            type: 'invalid_request_error',
            code: 'amount_too_small',
            param: 'line_items[0][price_data][unit_amount]',
            message: 'Amount must be at least ₩100 krw',
          },
        },
      },
    });
    try {
      await expectPurchaseError(
        createService().createCheckoutSession(customerId, item.id),
        'PRICE_NOT_CHARGEABLE',
      );
    } finally {
      remove();
    }
    expect((await purchasesOf(customerId)).map((purchase) => purchase.status)).toEqual(['failed']);
  });

  it('refuses content that does not exist', async () => {
    await expectPurchaseError(
      createService().createCheckoutSession(
        createTestUser(),
        '6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9',
      ),
      'CONTENT_NOT_FOUND',
    );
  });

  it('refuses content the customer already bought', async () => {
    const item = await createItem();
    const customerId = createTestUser();
    await testDb.db.insert(contentPurchases).values({
      customerId,
      contentId: item.id,
      organizationId: item.organizationId,
      pricePaidCents: item.priceCents,
      currency: item.currency,
      status: 'completed',
      purchasedAt: new Date(),
    });
    await expectPurchaseError(
      createService().createCheckoutSession(customerId, item.id),
      'ALREADY_PURCHASED',
    );
    expect(sessionCreationsFor(item.id)).toEqual([]);
  });

  it('marks the purchase failed and reports a provider error when Stripe fails', async () => {
    const item = await createItem();
    const customerId = createTestUser();
    const removeRule = stub.addRule({
      match: { path: '/v1/checkout/sessions', form: { 'metadata[contentId]': item.id } },
      respond: { status: 503 },
    });
    try {
      await expectPurchaseError(
        createService().createCheckoutSession(customerId, item.id),
        'PAYMENT_PROVIDER_ERROR',
      );
    } finally {
      removeRule();
    }
    expect((await purchasesOf(customerId)).map((row) => row.status)).toEqual(['failed']);
    expect(logLines.some((line) => line.includes('"operation":"create checkout session"'))).toBe(
      true,
    );
  });

  it('marks the purchase failed when Stripe does not answer in time', async () => {
    const item = await createItem();
    const customerId = createTestUser();
    const removeRule = stub.addRule({
      match: { path: '/v1/checkout/sessions', form: { 'metadata[contentId]': item.id } },
      respond: { hang: true },
    });
    try {
      await expectPurchaseError(
        createService({ timeoutMs: 300 }).createCheckoutSession(customerId, item.id),
        'PAYMENT_PROVIDER_ERROR',
      );
    } finally {
      removeRule();
    }
    expect((await purchasesOf(customerId)).map((row) => row.status)).toEqual(['failed']);

    // The failed attempt does not block the next one.
    const retry = await createService().createCheckoutSession(customerId, item.id);
    expect(retry.status).toBe('checkout_created');
  });
});

describe('createCheckoutSession for free content', () => {
  it('grants access with a completed purchase at 0 and no Stripe call', async () => {
    const item = await createItem({ priceCents: 0 });
    const customerId = createTestUser();
    const service = createService();

    const result = await service.createCheckoutSession(customerId, item.id);

    expect(result.status).toBe('free_access_granted');
    const [purchase] = await purchasesOf(customerId);
    expect(purchase).toMatchObject({
      id: result.purchaseId,
      status: 'completed',
      pricePaidCents: 0,
    });
    expect(purchase?.purchasedAt).toBeInstanceOf(Date);
    expect(sessionCreationsFor(item.id)).toEqual([]);
    expect(await hasAccess(testDb.db, customerId, item.id)).toBe(true);
    await expectPurchaseError(
      service.createCheckoutSession(customerId, item.id),
      'ALREADY_PURCHASED',
    );
  });

  it('replaces a pending paid checkout when the content became free', async () => {
    const item = await createItem({ priceCents: 500 });
    const customerId = createTestUser();
    const service = createService();
    const paid = await service.createCheckoutSession(customerId, item.id);
    if (paid.status !== 'checkout_created') throw new Error(`unexpected ${paid.status}`);
    await testDb.db.update(content).set({ priceCents: 0 }).where(eq(content.id, item.id));

    const result = await service.createCheckoutSession(customerId, item.id);

    expect(result.status).toBe('free_access_granted');
    expect((await purchasesOf(customerId)).map((row) => row.status)).toEqual([
      'failed',
      'completed',
    ]);
    // Nobody can pay the old session for what is now free.
    expect(stub.getSession(paid.sessionId)?.status).toBe('expired');
  });

  it('refuses to replace a paid checkout whose payment is already under way', async () => {
    const item = await createItem({ priceCents: 500 });
    const customerId = createTestUser();
    const service = createService();
    const paid = await service.createCheckoutSession(customerId, item.id);
    if (paid.status !== 'checkout_created') throw new Error(`unexpected ${paid.status}`);
    stub.updateSession(paid.sessionId, { status: 'complete', payment_status: 'unpaid' });
    await testDb.db.update(content).set({ priceCents: 0 }).where(eq(content.id, item.id));

    await expectPurchaseError(
      service.createCheckoutSession(customerId, item.id),
      'ALREADY_PURCHASED',
    );
    expect((await purchasesOf(customerId)).map((row) => row.status)).toEqual(['pending']);
  });
});

describe('racing checkouts', () => {
  it('settles 15 parallel checkouts on one pending purchase and one Stripe session', async () => {
    const item = await createItem();
    const customerId = createTestUser();
    const service = createService();

    const results = await Promise.all(
      Array.from({ length: 15 }, () => service.createCheckoutSession(customerId, item.id)),
    );

    const created = results.filter((result) => result.status === 'checkout_created');
    expect(created).toHaveLength(1);
    expect(results.filter((result) => result.status === 'checkout_reused')).toHaveLength(14);
    const sessionIds = new Set(
      results.map((result) => ('sessionId' in result ? result.sessionId : '')),
    );
    expect(sessionIds.size).toBe(1);
    expect(sessionCreationsFor(item.id)).toHaveLength(1);
    expect((await purchasesOf(customerId)).map((row) => row.status)).toEqual(['pending']);
  });

  it('grants free content once when parallel requests race', async () => {
    const item = await createItem({ priceCents: 0 });
    const customerId = createTestUser();
    const service = createService();

    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => service.createCheckoutSession(customerId, item.id)),
    );

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected')
        expect(result.reason).toMatchObject({ code: 'ALREADY_PURCHASED' });
    }
    expect(await purchasesOf(customerId)).toHaveLength(1);
  });
});
