import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import type { RecordedStripeRequest } from '../start-stripe-stub';
import { useStripeStub } from '../testing/stub-test-support';

const { stub, stripe } = useStripeStub();

/** Calls a control endpoint the way a Workers test would: plain fetch, JSON in and out. */
async function control(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${stub().url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

function createSession(contentId: string): Promise<Stripe.Checkout.Session> {
  return stripe().checkout.sessions.create({
    mode: 'payment',
    success_url: 'https://codex.test/success',
    cancel_url: 'https://codex.test/cancel',
    line_items: [
      {
        quantity: 1,
        price_data: { currency: 'usd', unit_amount: 500, product_data: { name: 'A' } },
      },
    ],
    metadata: { contentId },
  });
}

describe('stripe() stub() control endpoints', () => {
  it('lists recorded requests, filtered by path and by flat form key', async () => {
    const mine = await createSession('content-mine');
    await createSession('content-other');
    await stripe().checkout.sessions.retrieve(mine.id);

    const all = await control('GET', '/__stub/requests');
    expect(all.json.data).toHaveLength(3);

    const scoped = await control(
      'GET',
      `/__stub/requests?${new URLSearchParams({ 'form.metadata[contentId]': 'content-mine' })}`,
    );
    const data = scoped.json.data as RecordedStripeRequest[];
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({
      method: 'POST',
      path: '/v1/checkout/sessions',
      form: { 'metadata[contentId]': 'content-mine' },
      body: { metadata: { contentId: 'content-mine' } },
      replayed: false,
    });

    const byPath = await control('GET', `/__stub/requests?path=/v1/checkout/sessions/${mine.id}`);
    expect(byPath.json.data).toMatchObject([{ method: 'GET' }]);
    // Control requests are not Stripe requests and are never recorded.
    expect(stub().requests).toHaveLength(3);
  });

  it('adds a rule with a path pattern and removes it by id', async () => {
    const added = await control('POST', '/__stub/rules', {
      match: { method: 'POST', pathPattern: '^/v1/checkout/sessions$' },
      respond: { status: 500 },
    });
    expect(added.status).toBe(200);
    expect(added.json.id).toEqual(expect.any(String));

    await expect(createSession('content-1')).rejects.toBeInstanceOf(Stripe.errors.StripeAPIError);
    await expect(createSession('content-1')).rejects.toBeInstanceOf(Stripe.errors.StripeAPIError);

    const removed = await control('DELETE', `/__stub/rules/${added.json.id}`);
    expect(removed).toEqual({ status: 200, json: { id: added.json.id, deleted: true } });
    await expect(createSession('content-1')).resolves.toMatchObject({ status: 'open' });
    expect((await control('DELETE', `/__stub/rules/${added.json.id}`)).status).toBe(404);
  });

  it('honours times and a form match on a rule added over HTTP', async () => {
    await control('POST', '/__stub/rules', {
      match: { path: '/v1/checkout/sessions', form: { 'metadata[contentId]': 'content-slow' } },
      respond: { status: 429, body: { error: { type: 'rate_limit_error', message: 'Slow down' } } },
      times: 1,
    });

    await expect(createSession('content-other')).resolves.toBeDefined();
    await expect(createSession('content-slow')).rejects.toBeInstanceOf(
      Stripe.errors.StripeRateLimitError,
    );
    await expect(createSession('content-slow')).resolves.toBeDefined();
  });

  it.each([
    ['no respond', { match: {} }],
    ['an unknown respond', { match: {}, respond: { explode: true } }],
    ['a bad pattern', { match: { pathPattern: '(' }, respond: { status: 500 } }],
    ['a non-string form value', { match: { form: { a: 1 } }, respond: { status: 500 } }],
    ['negative times', { match: {}, respond: { status: 500 }, times: -1 }],
  ])('rejects a rule with %s', async (_, rule) => {
    const response = await control('POST', '/__stub/rules', rule);
    expect(response.status).toBe(400);
    expect(response.json.error).toEqual({ message: expect.any(String) });
  });

  it('reads and patches a session', async () => {
    const session = await createSession('content-1');

    const read = await control('GET', `/__stub/sessions/${session.id}`);
    expect(read.json).toMatchObject({
      id: session.id,
      status: 'open',
      metadata: { contentId: 'content-1' },
    });

    const patched = await control('POST', `/__stub/sessions/${session.id}`, {
      status: 'complete',
      payment_status: 'paid',
      payment_intent: 'pi_123',
    });
    expect(patched.json).toMatchObject({ status: 'complete', payment_status: 'paid', url: null });
    await expect(stripe().checkout.sessions.retrieve(session.id)).resolves.toMatchObject({
      status: 'complete',
      payment_intent: 'pi_123',
    });

    expect((await control('GET', '/__stub/sessions/cs_test_unknown')).status).toBe(404);
    expect((await control('POST', '/__stub/sessions/cs_test_unknown', {})).status).toBe(404);
    expect((await control('POST', `/__stub/sessions/${session.id}`, ['not a patch'])).status).toBe(
      400,
    );
  });

  it('resets requests, rules and sessions', async () => {
    const session = await createSession('content-1');
    await control('POST', '/__stub/rules', { match: {}, respond: { status: 500 } });

    expect(await control('POST', '/__stub/reset')).toEqual({ status: 200, json: { reset: true } });

    expect(stub().requests).toEqual([]);
    expect(stub().getSession(session.id)).toBeUndefined();
    await expect(createSession('content-2')).resolves.toMatchObject({ status: 'open' });
  });

  it('answers 404 for an unknown control endpoint', async () => {
    expect((await control('GET', '/__stub/nothing')).status).toBe(404);
  });
});
