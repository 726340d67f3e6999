import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type StripeStub, startStripeStub } from './start-stripe-stub';

let stub: StripeStub;

beforeAll(async () => {
  stub = await startStripeStub();
});
afterEach(() => stub.reset());
afterAll(() => stub.close());

function createStripe(config: Stripe.StripeConfig = {}, apiKey = 'sk_test_stub'): Stripe {
  return new Stripe(apiKey, {
    host: stub.host,
    port: stub.port,
    protocol: 'http',
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: 0,
    ...config,
  });
}

function sessionParams(
  overrides: Partial<Stripe.Checkout.SessionCreateParams> = {},
): Stripe.Checkout.SessionCreateParams {
  return {
    mode: 'payment',
    success_url: 'https://codex.test/success',
    cancel_url: 'https://codex.test/cancel',
    client_reference_id: 'purchase-1',
    customer_email: 'reader@codex.test',
    line_items: [
      {
        quantity: 2,
        price_data: { currency: 'eur', unit_amount: 999, product_data: { name: 'Essay' } },
      },
      {
        quantity: 1,
        price_data: { currency: 'eur', unit_amount: 1, product_data: { name: 'Tip' } },
      },
    ],
    metadata: { purchaseId: 'purchase-1', contentId: 'content-1' },
    payment_intent_data: { metadata: { purchaseId: 'purchase-1' } },
    ...overrides,
  };
}

/** The rejection of `promise`, failing the test if it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the Stripe call to fail'),
    (error: unknown) => error,
  );
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('checkout sessions through the real Stripe SDK', () => {
  it('creates an open session from the fields sent and records the request', async () => {
    const session = await createStripe().checkout.sessions.create(sessionParams());

    expect(session.id).toMatch(/^cs_test_[A-Za-z0-9]{58}$/);
    expect(session).toMatchObject({
      object: 'checkout.session',
      url: `https://checkout.stripe.com/c/pay/${session.id}`,
      status: 'open',
      payment_status: 'unpaid',
      mode: 'payment',
      amount_total: 1999,
      amount_subtotal: 1999,
      currency: 'eur',
      client_reference_id: 'purchase-1',
      customer_email: 'reader@codex.test',
      metadata: { purchaseId: 'purchase-1', contentId: 'content-1' },
      payment_intent: null,
      livemode: false,
    });
    expect(session.expires_at - session.created).toBe(24 * 60 * 60);
    // Like Stripe, the session object does not echo payment_intent_data; the stub keeps it.
    expect(session).not.toHaveProperty('payment_intent_data');
    expect(stub.getSession(session.id)?.payment_intent_data).toEqual({
      metadata: { purchaseId: 'purchase-1' },
    });

    const [request] = stub.requests;
    expect(stub.requests).toHaveLength(1);
    expect(request).toMatchObject({
      method: 'POST',
      path: '/v1/checkout/sessions',
      idempotencyKey: expect.stringMatching(/^stripe-node-retry-/),
      replayed: false,
    });
    expect(request?.form).toMatchObject({
      'line_items[0][price_data][unit_amount]': '999',
      'line_items[1][quantity]': '1',
      'metadata[purchaseId]': 'purchase-1',
      'payment_intent_data[metadata][purchaseId]': 'purchase-1',
    });
    expect(request?.body.line_items).toEqual([
      {
        quantity: '2',
        price_data: { currency: 'eur', unit_amount: '999', product_data: { name: 'Essay' } },
      },
      {
        quantity: '1',
        price_data: { currency: 'eur', unit_amount: '1', product_data: { name: 'Tip' } },
      },
    ]);
  });

  it('retrieves a stored session, ignoring expand, and reflects updateSession', async () => {
    const stripe = createStripe();
    const created = await stripe.checkout.sessions.create(sessionParams());

    const retrieved = await stripe.checkout.sessions.retrieve(created.id, {
      expand: ['line_items'],
    });
    expect(retrieved).toEqual(created);

    stub.updateSession(created.id, {
      status: 'complete',
      payment_status: 'paid',
      payment_intent: 'pi_1',
    });
    await expect(stripe.checkout.sessions.retrieve(created.id)).resolves.toMatchObject({
      status: 'complete',
      payment_status: 'paid',
      payment_intent: 'pi_1',
      url: null,
    });
  });

  it('reads an open session past expires_at as expired', async () => {
    const stripe = createStripe();
    const created = await stripe.checkout.sessions.create(sessionParams());
    stub.updateSession(created.id, { expires_at: nowSeconds() - 1 });

    await expect(stripe.checkout.sessions.retrieve(created.id)).resolves.toMatchObject({
      status: 'expired',
      url: null,
    });
  });

  it('expires an open session once; expiring it again is an invalid request', async () => {
    const stripe = createStripe();
    const created = await stripe.checkout.sessions.create(sessionParams());

    const expired = await stripe.checkout.sessions.expire(created.id);
    expect(expired).toMatchObject({ id: created.id, status: 'expired', url: null });
    expect(stub.getSession(created.id)?.status).toBe('expired');

    const error = await rejectionOf(stripe.checkout.sessions.expire(created.id));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, message: expect.stringContaining('["open"]') });
  });

  it('serves the payment intent a session was paid with, carrying payment_intent_data metadata', async () => {
    const stripe = createStripe();
    const session = await stripe.checkout.sessions.create(
      sessionParams({ payment_intent_data: { metadata: { purchaseId: 'p-42' } } }),
    );
    await expect(stripe.paymentIntents.retrieve('pi_stub_paid')).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    });
    stub.updateSession(session.id, {
      status: 'complete',
      payment_status: 'paid',
      payment_intent: 'pi_stub_paid',
    });

    const intent = await stripe.paymentIntents.retrieve('pi_stub_paid');

    expect(intent).toMatchObject({
      id: 'pi_stub_paid',
      status: 'succeeded',
      metadata: { purchaseId: 'p-42' },
    });
  });

  it('answers 404 resource_missing for an unknown session', async () => {
    const stripe = createStripe();
    for (const call of [
      stripe.checkout.sessions.retrieve('cs_test_unknown'),
      stripe.checkout.sessions.expire('cs_test_unknown'),
    ]) {
      const error = await rejectionOf(call);
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error).toMatchObject({
        statusCode: 404,
        code: 'resource_missing',
        param: 'session',
        message: "No such checkout.session: 'cs_test_unknown'",
      });
    }
  });

  it('rejects a bad API key with 401 and does not record the request', async () => {
    for (const apiKey of ['sk_live_real', 'pk_test_publishable']) {
      const error = await rejectionOf(
        createStripe({}, apiKey).checkout.sessions.create(sessionParams()),
      );
      expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
      expect(error).toMatchObject({ statusCode: 401, message: 'Invalid API Key provided' });
    }
    const response = await fetch(`${stub.url}/v1/checkout/sessions/cs_test_x`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: { type: 'invalid_request_error', message: 'Invalid API Key provided' },
    });
    expect(stub.requests).toEqual([]);
    await expect(
      createStripe({}, 'rk_test_restricted').checkout.sessions.create(sessionParams()),
    ).resolves.toMatchObject({ status: 'open' });
  });

  it('accepts expires_at between 30 minutes and 24 hours from now, and only then', async () => {
    const stripe = createStripe();
    const inTwoHours = nowSeconds() + 2 * 60 * 60;
    await expect(
      stripe.checkout.sessions.create(sessionParams({ expires_at: inTwoHours })),
    ).resolves.toMatchObject({ expires_at: inTwoHours });

    for (const expiresAt of [nowSeconds() + 29 * 60, nowSeconds() + 25 * 60 * 60]) {
      const error = await rejectionOf(
        stripe.checkout.sessions.create(sessionParams({ expires_at: expiresAt })),
      );
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error).toMatchObject({ statusCode: 400, param: 'expires_at' });
    }
  });

  it.each([
    ['mode', { mode: undefined }],
    ['mode', { mode: 'subscription' as const }],
    ['success_url', { success_url: undefined }],
    ['cancel_url', { cancel_url: undefined }],
    ['line_items', { line_items: [] }],
    [
      'line_items[0][quantity]',
      {
        line_items: [
          { price_data: { currency: 'eur', unit_amount: 1, product_data: { name: 'A' } } },
        ],
      },
    ],
    ['line_items[0][price]', { line_items: [{ quantity: 1, price: 'price_123' }] }],
    [
      'line_items[0][price_data][unit_amount]',
      {
        line_items: [
          {
            quantity: 1,
            price_data: { currency: 'eur', unit_amount: -5, product_data: { name: 'A' } },
          },
        ],
      },
    ],
    [
      'line_items[0][price_data][product_data][name]',
      {
        line_items: [
          {
            quantity: 1,
            price_data: { currency: 'eur', unit_amount: 1, product_data: { name: '' } },
          },
        ],
      },
    ],
  ])('rejects a session without a valid %s', async (param, overrides) => {
    const error = await rejectionOf(
      createStripe().checkout.sessions.create(sessionParams(overrides)),
    );
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, param });
  });
});

describe('idempotency', () => {
  it('replays the first response for the same key and parameters', async () => {
    const stripe = createStripe();
    const first = await stripe.checkout.sessions.create(sessionParams(), {
      idempotencyKey: 'key-1',
    });
    const second = await stripe.checkout.sessions.create(sessionParams(), {
      idempotencyKey: 'key-1',
    });

    expect(second).toEqual(first);
    expect(stub.requests.map((request) => request.replayed)).toEqual([false, true]);
    expect(stub.requests.map((request) => request.idempotencyKey)).toEqual(['key-1', 'key-1']);

    // The SDK hides the replay header behind a fetch Headers object; read it over plain HTTP.
    const replay = await fetch(`${stub.url}/v1/checkout/sessions`, {
      method: 'POST',
      headers: { Authorization: 'Bearer sk_test_stub', 'Idempotency-Key': 'key-1' },
      body: new URLSearchParams(stub.requests[0]?.form),
    });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toEqual(JSON.parse(JSON.stringify(first)));
  });

  it('rejects the same key with different parameters', async () => {
    const stripe = createStripe();
    await stripe.checkout.sessions.create(sessionParams(), { idempotencyKey: 'key-2' });

    const error = await rejectionOf(
      stripe.checkout.sessions.create(sessionParams({ client_reference_id: 'purchase-2' }), {
        idempotencyKey: 'key-2',
      }),
    );
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error).toMatchObject({ statusCode: 400, rawType: 'idempotency_error' });
  });

  it('does not store a failed validation, so the key can be retried with corrected parameters', async () => {
    const stripe = createStripe();
    await rejectionOf(
      stripe.checkout.sessions.create(sessionParams({ line_items: [] }), {
        idempotencyKey: 'key-3',
      }),
    );
    await expect(
      stripe.checkout.sessions.create(sessionParams(), { idempotencyKey: 'key-3' }),
    ).resolves.toMatchObject({ status: 'open' });
  });
});

describe('rules', () => {
  it('a 500 rule applied once lets the SDK retry with the same key and create one session', async () => {
    stub.addRule({
      match: { method: 'POST', path: '/v1/checkout/sessions' },
      respond: { status: 500 },
      times: 1,
    });
    const stripe = createStripe({ maxNetworkRetries: 1 });

    const session = await stripe.checkout.sessions.create(sessionParams());

    const [failed, retried] = stub.requests;
    expect(stub.requests).toHaveLength(2);
    expect(retried?.idempotencyKey).toBe(failed?.idempotencyKey);
    expect(retried?.replayed).toBe(false);
    expect(stub.getSession(session.id)?.status).toBe('open');
    // The same key now replays the one stored session.
    const replay = await stripe.checkout.sessions.create(sessionParams(), {
      idempotencyKey: failed?.idempotencyKey,
    });
    expect(replay.id).toBe(session.id);
  });

  it('answers a Stripe api_error for a failure status without a body', async () => {
    stub.addRule({ match: { path: /^\/v1\/checkout\/sessions/ }, respond: { status: 503 } });

    const error = await rejectionOf(createStripe().checkout.sessions.retrieve('cs_test_any'));
    expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(error).toMatchObject({ statusCode: 503, rawType: 'api_error' });
  });

  it('applies a rule only to requests matching its form, until removed', async () => {
    const stripe = createStripe();
    const remove = stub.addRule({
      match: { form: { 'metadata[contentId]': 'content-blocked' } },
      respond: { status: 402, body: { error: { type: 'card_error', message: 'Declined' } } },
    });
    const blocked = sessionParams({ metadata: { contentId: 'content-blocked' } });

    await expect(stripe.checkout.sessions.create(sessionParams())).resolves.toBeDefined();
    expect(await rejectionOf(stripe.checkout.sessions.create(blocked))).toBeInstanceOf(
      Stripe.errors.StripeCardError,
    );
    remove();
    await expect(stripe.checkout.sessions.create(blocked)).resolves.toMatchObject({
      status: 'open',
    });
  });

  it('delays the normal answer by delayMs', async () => {
    stub.addRule({ match: { path: '/v1/checkout/sessions' }, respond: { delayMs: 300 }, times: 1 });
    const stripe = createStripe();

    const started = performance.now();
    const session = await stripe.checkout.sessions.create(sessionParams());
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(stub.getSession(session.id)).toBeDefined();

    const again = performance.now();
    await stripe.checkout.sessions.create(sessionParams());
    expect(performance.now() - again).toBeLessThan(290);
  });

  it('a hang rule makes the SDK time out with a connection error', async () => {
    stub.addRule({ match: { path: '/v1/checkout/sessions' }, respond: { hang: true } });

    const error = await rejectionOf(
      createStripe({ timeout: 300 }).checkout.sessions.create(sessionParams()),
    );
    expect(error).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(stub.requests).toHaveLength(1);
  });
});

describe('close', () => {
  it('ends promptly while a request hangs, failing that request', async () => {
    const ownStub = await startStripeStub();
    ownStub.addRule({ match: {}, respond: { hang: true } });
    const hanging = fetch(`${ownStub.url}/v1/checkout/sessions/cs_test_x`, {
      headers: { Authorization: 'Bearer sk_test_stub' },
    });
    await vi.waitFor(() => expect(ownStub.requests).toHaveLength(1));

    const started = performance.now();
    await ownStub.close();
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(hanging).rejects.toThrow();
    await expect(ownStub.close()).resolves.toBeUndefined();
  });

  it('listens on 127.0.0.1 on an OS-chosen port by default', () => {
    expect(stub.host).toBe('127.0.0.1');
    expect(stub.port).toBeGreaterThan(0);
    expect(stub.url).toBe(`http://127.0.0.1:${stub.port}`);
    expect(stub.protocol).toBe('http');
  });
});
