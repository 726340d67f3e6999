import { describe, expect, it } from 'vitest';
import type { StripeStubEvent } from './api/event-store';
import type { StripeStub } from './start-stripe-stub';
import { createSession, payByCard, types, useStripeStub } from './testing/stub-test-support';

// The hooks the local Stripe of `pnpm dev` is built on: its own checkout page URL, a listener told
// of every event, pages beside the API, and a list of payments for its dashboard.
const heard: Array<{ event: StripeStubEvent; sessionStatus: string | undefined }> = [];
let stubForListener: (() => StripeStub) | undefined;

const { stub, stripe } = useStripeStub({
  checkoutUrl: (sessionId, stubUrl) => `${stubUrl}/c/pay/${sessionId}`,
  onEvent: (event) => {
    const object = event.data.object as { id?: string };
    heard.push({
      event,
      sessionStatus: stubForListener?.().getSession(String(object.id))?.status,
    });
  },
  handlePage: ({ method, url, body }) =>
    url.pathname === '/hello'
      ? {
          status: 200,
          headers: { 'Content-Type': 'text/plain' },
          text: `${method} ${url.search} ${body}`,
        }
      : undefined,
});
stubForListener = stub;

describe('stand-in hooks', () => {
  it('names the configured checkout page in the session url', async () => {
    const session = await stripe().checkout.sessions.retrieve(await createSession(stripe()));
    expect(session.url).toBe(`${stub().url}/c/pay/${session.id}`);
  });

  it('tells the listener of each event after the state change it reports', async () => {
    heard.length = 0;
    const sessionId = await createSession(stripe());
    const events = stub().payCheckoutSession(sessionId);

    expect(heard.map(({ event }) => event.id)).toEqual(events.map((event) => event.id));
    // The listener already saw the session complete: nothing can be sent before the change.
    expect(heard[0]?.sessionStatus).toBe('complete');
    await stripe().checkout.sessions.expire(await createSession(stripe()));
    expect(types(heard.map(({ event }) => event))).toEqual([
      'checkout.session.completed',
      'checkout.session.expired',
    ]);
  });

  it('serves pages beside the API and falls through to the API for the rest', async () => {
    const page = await fetch(`${stub().url}/hello?x=1`, { method: 'POST', body: 'a=b' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/plain');
    expect(await page.text()).toBe('POST ?x=1 a=b');

    const other = await fetch(`${stub().url}/elsewhere`, {
      headers: { Authorization: 'Bearer sk_test_stub' },
    });
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });

  it('lists payments newest first with their money objects, line items kept off the API', async () => {
    const first = await createSession(stripe(), { unitAmount: 1500 });
    const paymentIntentId = payByCard(stub(), first);
    const { refund } = stub().createRefund(paymentIntentId, { amount: 500 });
    const { dispute } = stub().openDispute(paymentIntentId, { amount: 1000 });
    const second = await createSession(stripe());

    const payments = stub().listPayments();
    expect(payments.map(({ session }) => session.id)).toEqual([second, first]);
    expect(payments[0]).toMatchObject({
      paymentIntent: undefined,
      refunds: [],
      dispute: undefined,
    });
    expect(payments[1]).toMatchObject({
      session: {
        status: 'complete',
        line_items: [{ name: 'A', quantity: 1, unit_amount: 1500, currency: 'usd' }],
      },
      paymentIntent: { id: paymentIntentId, status: 'succeeded' },
      charge: { amount_refunded: 500, disputed: true },
      refunds: [{ id: refund.id, amount: 500 }],
      dispute: { id: dispute.id, status: 'needs_response' },
    });
    const fromApi = await stripe().checkout.sessions.retrieve(first);
    expect(fromApi).not.toHaveProperty('line_items');
  });
});
