import { contentPurchases, emailOutbox, eq } from '@codex/database';
import { createMemoryRateLimiter } from '@codex/security';
import {
  createTestContent,
  createTestOrganization,
  createTestUser,
} from '@codex/test-utils/factories';
import { formatValidationIssues } from '@codex/validation';
import { captureConsole } from '@codex/worker-runtime/testing';
import { describe, expect, it, vi } from 'vitest';
import {
  authorizationFor,
  callWorker,
  failStripeFor,
  stripeRequests,
  stripeRequestsFor,
  withTestDatabase,
} from '../../testing/test-support';
import { createCheckoutSchema } from './create-checkout';

async function createItem(
  options: { priceCents?: number; status?: 'draft' | 'published' | 'archived' } = {},
) {
  return withTestDatabase(async (db) => {
    const organization = await createTestOrganization(db);
    return createTestContent(db, { organizationId: organization.id, ...options });
  });
}

async function postCheckout(
  customerId: string,
  body: unknown,
  overrides = {},
  claims: { email?: string } = {},
) {
  return callWorker(
    '/api/checkout',
    {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(await authorizationFor(customerId, claims)),
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    },
    overrides,
  );
}

async function purchasesOf(customerId: string) {
  return withTestDatabase((db) =>
    db.select().from(contentPurchases).where(eq(contentPurchases.customerId, customerId)),
  );
}

describe('POST /api/checkout', () => {
  it('answers 201 with a new checkout, then 200 with the same session on a second click', async () => {
    const item = await createItem({ priceCents: 2_500 });
    const customerId = createTestUser();

    const first = await postCheckout(customerId, { contentId: item.id });
    expect(first.status).toBe(201);
    const created = (await first.json()) as { data: Record<string, string> };
    expect(created.data).toMatchObject({ status: 'checkout_created' });
    expect(created.data.checkoutUrl).toMatch(/^https:\/\/checkout\.stripe\.com\//);
    expect(created.data.sessionId).toMatch(/^cs_test_/);

    const second = await postCheckout(customerId, { contentId: item.id });
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual({ data: { ...created.data, status: 'checkout_reused' } });

    const rows = await purchasesOf(customerId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      status: 'pending',
      pricePaidCents: 2_500,
      id: created.data.purchaseId,
    });
    expect((await stripeRequestsFor(item.id)).filter((r) => !r.replayed)).toHaveLength(1);
  });

  it('gives the token’s email claim to Stripe (for the Customer Checkout creates), and logs no line with it', async () => {
    const item = await createItem({ priceCents: 1_200 });
    const withEmail = createTestUser();
    const email = `buyer-${crypto.randomUUID()}@codex.test`;
    const lines = captureConsole('log');
    const warnings = captureConsole('warn');
    const errors = captureConsole('error');

    const response = await postCheckout(withEmail, { contentId: item.id }, {}, { email });
    expect(response.status).toBe(201);
    // Customer reuse is on by default: a first-time buyer's session asks Checkout to create the
    // buyer's one Stripe Customer with this address (no Customer call of our own before it).
    expect(await stripeRequests('/v1/customers', { email })).toEqual([]);
    const [created] = (await stripeRequestsFor(item.id)).filter(
      (request) => request.path === '/v1/checkout/sessions',
    );
    expect(created?.form).toMatchObject({ customer_creation: 'always', customer_email: email });
    expect(created?.form).not.toHaveProperty('customer');
    const logged = [...lines, ...warnings, ...errors];
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.filter((line) => line.includes(email))).toEqual([]);
    vi.restoreAllMocks();

    // Without reuse, the session itself carries the address.
    const single = await createItem({ priceCents: 1_200 });
    const noReuse = { STRIPE_REUSE_CUSTOMERS: 'false' };
    expect(
      (await postCheckout(createTestUser(), { contentId: single.id }, noReuse, { email })).status,
    ).toBe(201);
    const [session] = await stripeRequestsFor(single.id);
    expect(session?.form.customer_email).toBe(email);

    // Without the claim, Stripe is given no address.
    const other = await createItem({ priceCents: 1_200 });
    const anonymous = createTestUser();
    expect((await postCheckout(anonymous, { contentId: other.id })).status).toBe(201);
    const [plain] = await stripeRequestsFor(other.id);
    expect(plain?.form).not.toHaveProperty('customer_email');
    expect(plain?.form.customer_creation).toBe('always');
  });

  it('answers 422 PRICE_NOT_CHARGEABLE for a 10-cent USD item and leaves nothing pending', async () => {
    const item = await createItem({ priceCents: 10 });
    const customerId = createTestUser();

    const response = await postCheckout(customerId, { contentId: item.id });

    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'PRICE_NOT_CHARGEABLE',
    );
    expect(await purchasesOf(customerId)).toEqual([]);
    expect(await stripeRequestsFor(item.id)).toEqual([]);
  });

  it('queues the confirmation of a free item bought with an email claim to EMAIL_QUEUE', async () => {
    const item = await createItem({ priceCents: 0 });
    const sent: unknown[] = [];
    const queue = {
      async sendBatch(messages: Iterable<{ body: unknown }>) {
        for (const message of messages) sent.push(message.body);
      },
    };
    const response = await postCheckout(
      createTestUser(),
      { contentId: item.id },
      { EMAIL_QUEUE: queue },
      { email: 'free-buyer@codex.test' },
    );
    expect(response.status).toBe(200);
    const { data } = (await response.json()) as { data: { purchaseId: string } };
    const rows = await withTestDatabase((db) =>
      db.select().from(emailOutbox).where(eq(emailOutbox.purchaseId, data.purchaseId)),
    );
    expect(rows).toHaveLength(1);
    expect(sent).toEqual([{ outboxId: rows[0]?.id }]);
  });

  it('answers 200 free_access_granted for free content, without calling Stripe', async () => {
    const item = await createItem({ priceCents: 0 });
    const customerId = createTestUser();

    const response = await postCheckout(customerId, { contentId: item.id });

    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { status: string; purchaseId: string } };
    expect(body.data.status).toBe('free_access_granted');
    expect(await stripeRequestsFor(item.id)).toEqual([]);
  });

  it.each(['draft', 'archived'] as const)(
    'answers 404 CONTENT_NOT_FOUND for %s content',
    async (status) => {
      const item = await createItem({ status });
      const response = await postCheckout(createTestUser(), { contentId: item.id });
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        'CONTENT_NOT_FOUND',
      );
    },
  );

  it('answers 503 PAYMENT_PROVIDER_NOT_CONFIGURED for paid content without a Stripe key; free still works', async () => {
    const paid = await createItem({ priceCents: 900 });
    const free = await createItem({ priceCents: 0 });
    const customerId = createTestUser();
    const noStripe = { STRIPE_SECRET_KEY: '' };

    const refused = await postCheckout(customerId, { contentId: paid.id }, noStripe);
    expect(refused.status).toBe(503);
    const { error } = (await refused.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('PAYMENT_PROVIDER_NOT_CONFIGURED');
    // Buyers are not told which variable or file an operator would change.
    expect(error.message).toBe('Payments are not available right now');
    expect(await purchasesOf(customerId)).toEqual([]);

    const granted = await postCheckout(customerId, { contentId: free.id }, noStripe);
    expect(granted.status).toBe(200);
  });

  it('answers 409 ALREADY_PURCHASED when the customer owns the content', async () => {
    const item = await createItem({ priceCents: 0 });
    const customerId = createTestUser();
    await postCheckout(customerId, { contentId: item.id });

    const response = await postCheckout(customerId, { contentId: item.id });

    expect(response.status).toBe(409);
    const body = (await response.json()) as {
      error: { code: string; message: string; requestId: string };
    };
    expect(body.error).toMatchObject({ code: 'ALREADY_PURCHASED' });
    expect(body.error.requestId).toBe(response.headers.get('X-Request-Id'));
  });

  it('answers 502 PAYMENT_PROVIDER_ERROR when Stripe fails, and leaves the purchase failed', async () => {
    const item = await createItem();
    const customerId = createTestUser();
    const restore = await failStripeFor(item.id, 500);
    try {
      const response = await postCheckout(customerId, { contentId: item.id });
      expect(response.status).toBe(502);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        'PAYMENT_PROVIDER_ERROR',
      );
    } finally {
      await restore();
    }
    expect((await purchasesOf(customerId)).map((row) => row.status)).toEqual(['failed']);
  });

  it.each([
    ['a malformed content id', { contentId: 'not-a-uuid' }, 'contentId: must be a UUID'],
    ['a missing content id', {}, 'contentId'],
    [
      'a client-sent price',
      { contentId: '6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9', priceCents: 1 },
      'unknown fields are not allowed',
    ],
    ['malformed JSON', '{"contentId":', 'not valid JSON'],
  ])('answers 400 VALIDATION_ERROR for %s', async (_label, body, fragment) => {
    const response = await postCheckout(createTestUser(), body);
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.message).toContain(fragment);
  });

  it('answers 415 for a body that is not JSON', async () => {
    const response = await callWorker('/api/checkout', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', ...(await authorizationFor(createTestUser())) },
      body: 'contentId=1',
    });
    expect(response.status).toBe(415);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('answers 413 PAYLOAD_TOO_LARGE for an oversized body', async () => {
    const response = await postCheckout(createTestUser(), { contentId: 'x'.repeat(20_000) });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'PAYLOAD_TOO_LARGE',
    );
  });

  it('answers 429 RATE_LIMITED with Retry-After after 10 checkouts a minute', async () => {
    const item = await createItem({ status: 'draft' });
    const customerId = createTestUser();
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 11; attempt++) {
      const response = await postCheckout(customerId, { contentId: item.id });
      statuses.push(response.status);
      if (response.status === 429) {
        expect(response.headers.get('Retry-After')).toBe('60');
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
          'RATE_LIMITED',
        );
      }
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(404));
    expect(statuses[10]).toBe(429);
    // Another customer is not affected.
    expect((await postCheckout(createTestUser(), { contentId: item.id })).status).toBe(404);
  });
});

describe('racing checkouts through the worker', () => {
  it('settles 25 parallel requests on one pending purchase and one Stripe session (limit raised)', async () => {
    const item = await createItem();
    const customerId = createTestUser();
    const roomy = createMemoryRateLimiter({ limit: 100, periodSeconds: 60 });

    const responses = await Promise.all(
      Array.from({ length: 25 }, () =>
        postCheckout(customerId, { contentId: item.id }, { CHECKOUT_RATE_LIMITER: roomy }),
      ),
    );

    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 200)).toHaveLength(24);
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as Array<{
      data: { sessionId: string };
    }>;
    expect(new Set(bodies.map((body) => body.data.sessionId)).size).toBe(1);
    expect((await purchasesOf(customerId)).map((row) => row.status)).toEqual(['pending']);
    expect((await stripeRequestsFor(item.id)).filter((r) => !r.replayed)).toHaveLength(1);
  });

  it('with the real limit, answers each of 25 parallel requests 200, 201 or 429, never 5xx', async () => {
    const item = await createItem();
    const customerId = createTestUser();

    const responses = await Promise.all(
      Array.from({ length: 25 }, () => postCheckout(customerId, { contentId: item.id })),
    );

    const statuses = responses.map((response) => response.status);
    expect(statuses.every((status) => [200, 201, 429].includes(status))).toBe(true);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
    expect((await purchasesOf(customerId)).map((row) => row.status)).toEqual(['pending']);
  });
});

const CONTENT_ID = '6c0a4f3e-2b1d-4e8f-9a7c-5d3b2e1f0a9b';

describe('createCheckoutSchema', () => {
  it('accepts a body with a content id', () => {
    expect(createCheckoutSchema.parse({ contentId: CONTENT_ID })).toEqual({
      contentId: CONTENT_ID,
    });
  });

  it('refuses a client-sent price or organization instead of ignoring it', () => {
    const result = createCheckoutSchema.safeParse({
      contentId: CONTENT_ID,
      priceCents: 1,
      organizationId: CONTENT_ID,
    });
    expect(result.success).toBe(false);
    expect(result.error && formatValidationIssues(result.error)).toEqual([
      { path: '', message: 'unknown fields are not allowed' },
    ]);
  });

  it('names no unknown field: the message is the same whatever keys the client sent', () => {
    const hostileKey = '<img src=x onerror=alert(1)>';
    const result = createCheckoutSchema.safeParse({ contentId: CONTENT_ID, [hostileKey]: 1 });
    const issues = result.error && formatValidationIssues(result.error);
    expect(issues).toEqual([{ path: '', message: 'unknown fields are not allowed' }]);
    expect(JSON.stringify(issues)).not.toContain('img');
  });

  it('reports a missing or malformed content id at its path', () => {
    const missing = createCheckoutSchema.safeParse({});
    expect(missing.error && formatValidationIssues(missing.error)).toEqual([
      { path: 'contentId', message: 'must be a string' },
    ]);
    const malformed = createCheckoutSchema.safeParse({ contentId: 'not-a-uuid' });
    expect(malformed.error && formatValidationIssues(malformed.error)).toEqual([
      { path: 'contentId', message: 'must be a UUID' },
    ]);
  });

  it('refuses a body that is not an object', () => {
    expect(createCheckoutSchema.safeParse([CONTENT_ID]).success).toBe(false);
    expect(createCheckoutSchema.safeParse(null).success).toBe(false);
  });
});
