import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StripeStubEvent } from '../api/event-store';
import { type StripeStub, startStripeStub } from '../start-stripe-stub';
import { createLocalStripePages, type LocalStripePages } from './create-local-stripe-pages';

// The local Stripe's checkout page and dashboard over HTTP, as a browser uses them (form posts,
// 303 redirects), against the stand-in they act on.
let stub: StripeStub;
let pages: LocalStripePages;
let stripe: Stripe;
const emitted: StripeStubEvent[] = [];
const logged: string[] = [];

beforeAll(async () => {
  pages = createLocalStripePages({
    stub: () => stub,
    delayedSettlementMs: 50,
    failingRefundMs: 50,
    log: (line) => logged.push(line),
  });
  stub = await startStripeStub({
    checkoutUrl: (sessionId, stubUrl) => `${stubUrl}/c/pay/${sessionId}`,
    onEvent: (event) => emitted.push(event),
    handlePage: pages.handlePage,
  });
  stripe = new Stripe('sk_test_pages', {
    host: stub.host,
    port: stub.port,
    protocol: 'http',
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: 0,
  });
});
afterEach(() => {
  stub.reset();
  emitted.length = 0;
});
afterAll(async () => {
  pages.stop();
  await stub.close();
});

async function openSession(
  unitAmount = 1500,
  currency = 'usd',
  extra: Partial<Stripe.Checkout.SessionCreateParams> = {},
) {
  return stripe.checkout.sessions.create({
    mode: 'payment',
    success_url:
      'http://localhost:3000/content/c1?purchase=success&session_id={CHECKOUT_SESSION_ID}',
    cancel_url: 'http://localhost:3000/content/c1?purchase=cancelled',
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency,
          unit_amount: unitAmount,
          product_data: { name: 'Mastering <Sourdough>', description: 'A course' },
          tax_behavior: 'exclusive',
        },
      },
    ],
    ...extra,
  });
}

function post(path: string, form: Record<string, string>) {
  return fetch(`${stub.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
    redirect: 'manual',
  });
}

const types = () => emitted.map((event) => event.type);
const until = async (condition: () => boolean) => {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('the local checkout page', () => {
  it('shows the item (escaped), the price and the currency at the session url', async () => {
    const session = await openSession(1500, 'eur');
    expect(session.url).toBe(`${stub.url}/c/pay/${session.id}`);
    const page = await fetch(String(session.url));
    const text = await page.text();
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(text).toContain('Mastering &lt;Sourdough&gt;');
    expect(text).not.toContain('<Sourdough>');
    expect(text).toContain('€15.00');
    expect(text).toContain('EUR');
  });

  it('pays by card: the session completes, then the buyer goes to the success URL', async () => {
    const session = await openSession();
    const answer = await post(`/c/pay/${session.id}`, { choice: 'card' });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe(
      `http://localhost:3000/content/c1?purchase=success&session_id=${session.id}`,
    );
    expect(stub.getSession(session.id)).toMatchObject({
      status: 'complete',
      payment_status: 'paid',
    });
    expect(types()).toEqual(['checkout.session.completed']);
  });

  it('a bank debit redirects at once and fails or succeeds later', async () => {
    const failing = await openSession();
    expect((await post(`/c/pay/${failing.id}`, { choice: 'delayed_failure' })).status).toBe(303);
    expect(stub.getSession(failing.id)?.payment_status).toBe('unpaid');
    const succeeding = await openSession();
    await post(`/c/pay/${succeeding.id}`, { choice: 'delayed_success' });
    await until(() => emitted.length === 4);
    expect(types().sort()).toEqual([
      'checkout.session.async_payment_failed',
      'checkout.session.async_payment_succeeded',
      'checkout.session.completed',
      'checkout.session.completed',
    ]);
    expect(stub.getSession(succeeding.id)?.payment_status).toBe('paid');
  });

  it('cancel goes back to the cancel URL and leaves the session open, as on Stripe', async () => {
    const session = await openSession();
    const answer = await post(`/c/pay/${session.id}`, { choice: 'cancel' });
    expect(answer.headers.get('location')).toBe(
      'http://localhost:3000/content/c1?purchase=cancelled',
    );
    expect(stub.getSession(session.id)?.status).toBe('open');
    expect(emitted).toEqual([]);
  });

  it('expire ends the session with its event; the page then says so and refuses to pay', async () => {
    const session = await openSession();
    await post(`/c/pay/${session.id}`, { choice: 'expire' });
    expect(types()).toEqual(['checkout.session.expired']);
    expect(await (await fetch(`${stub.url}/c/pay/${session.id}`)).text()).toContain('expired');
    expect((await post(`/c/pay/${session.id}`, { choice: 'card' })).status).toBe(409);
    expect(types()).toEqual(['checkout.session.expired']);
  });

  it('offers the demo codes only when the session allows promotion codes, and shows the tax line', async () => {
    const plain = await (await fetch(String((await openSession()).url))).text();
    expect(plain).not.toContain('name="promotion_code"');
    expect(plain).not.toContain('Tax (10 %');

    const session = await openSession(1500, 'usd', {
      allow_promotion_codes: true,
      automatic_tax: { enabled: true },
    });
    const text = await (await fetch(String(session.url))).text();
    expect(text).toContain('name="promotion_code"');
    expect(text).toContain('demo codes: HALF (50 % off), FREE (100 % off), FIVE ($5 off)');
    expect(text).toContain('Tax (10 %, computed at payment)');
  });

  it('shows the discount a session was created with, offers no code field, and pays the discounted total', async () => {
    const code = stub.createPromotionCode({ code: 'LAUNCH', percentOff: 20 });
    const session = await openSession(1500, 'usd', { discounts: [{ promotion_code: code.id }] });
    const text = await (await fetch(String(session.url))).text();
    expect(text).toContain('Discount applied: −$3.00 of $15.00');
    expect(text).toContain('Pay $12.00 by card');
    expect(text).not.toContain('name="promotion_code"');

    const paid = await fetch(String(session.url), {
      method: 'POST',
      body: new URLSearchParams({ choice: 'card' }),
      redirect: 'manual',
    });
    expect(paid.status).toBe(303);
    expect(stub.getSession(session.id)).toMatchObject({
      amount_total: 1200,
      discounts: [{ promotion_code: code.id }],
    });
  });

  it('pays by card with a demo code (any case): the discount and tax in the session totals', async () => {
    const session = await openSession(2000, 'usd', {
      allow_promotion_codes: true,
      automatic_tax: { enabled: true },
    });
    const answer = await post(`/c/pay/${session.id}`, { choice: 'card', promotion_code: ' half ' });
    expect(answer.status).toBe(303);
    expect(stub.getSession(session.id)).toMatchObject({
      payment_status: 'paid',
      amount_total: 1100,
      total_details: { amount_discount: 1000, amount_tax: 100 },
      discounts: [{ promotion_code: expect.stringMatching(/^promo_/) }],
    });
    expect(types()).toEqual(['checkout.session.completed']);
  });

  it('FIVE takes 5 of the currency off; FREE by bank debit completes with nothing to settle', async () => {
    const five = await openSession(1500, 'eur', { allow_promotion_codes: true });
    await post(`/c/pay/${five.id}`, { choice: 'card', promotion_code: 'FIVE' });
    expect(stub.getSession(five.id)).toMatchObject({ amount_total: 1000 });

    const free = await openSession(1500, 'usd', { allow_promotion_codes: true });
    const answer = await post(`/c/pay/${free.id}`, {
      choice: 'delayed_success',
      promotion_code: 'FREE',
    });
    expect(answer.status).toBe(303);
    expect(stub.getSession(free.id)).toMatchObject({
      status: 'complete',
      payment_status: 'no_payment_required',
      payment_intent: null,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(types()).toEqual(['checkout.session.completed', 'checkout.session.completed']);
    expect(logged.filter((line) => line.includes(free.id))).toEqual([]);
  });

  it('an unknown code re-renders the page with an error and pays nothing', async () => {
    const session = await openSession(1500, 'usd', { allow_promotion_codes: true });
    const answer = await post(`/c/pay/${session.id}`, {
      choice: 'card',
      promotion_code: 'BOGUS<1>',
    });
    expect(answer.status).toBe(400);
    const text = await answer.text();
    expect(text).toContain('This code is invalid.');
    expect(text).toContain('value="BOGUS&lt;1&gt;"');
    expect(stub.getSession(session.id)).toMatchObject({ status: 'open', payment_intent: null });
    expect(emitted).toEqual([]);

    // A code posted to a session that allows none is refused the same way.
    const closed = await openSession();
    expect(
      (await post(`/c/pay/${closed.id}`, { choice: 'card', promotion_code: 'HALF' })).status,
    ).toBe(400);
    expect(stub.getSession(closed.id)?.status).toBe('open');
  });

  it('an unknown session is a 404 page', async () => {
    expect((await fetch(`${stub.url}/c/pay/cs_test_nope`)).status).toBe(404);
  });
});

describe('the local dashboard', () => {
  async function paid() {
    const session = await openSession();
    await post(`/c/pay/${session.id}`, { choice: 'card' });
    emitted.length = 0;
    return String(stub.getSession(session.id)?.payment_intent);
  }

  async function notice(answer: Response) {
    expect(answer.status).toBe(303);
    const location = new URL(String(answer.headers.get('location')), stub.url);
    return Object.fromEntries(location.searchParams);
  }

  it('lists sessions with their state and the actions that fit it', async () => {
    const paymentIntentId = await paid();
    const text = await (await fetch(`${stub.url}/`)).text();
    expect(text).toContain('complete · paid');
    expect(text).toContain(`/dashboard/payment_intents/${paymentIntentId}/refunds`);
    expect(text).toContain('Refund in full');
    expect(text).toContain('Open a dispute');
  });

  it('refunds in full, in part (major units), or with a refund that fails later', async () => {
    const paymentIntentId = await paid();
    const path = `/dashboard/payment_intents/${paymentIntentId}/refunds`;
    expect(await notice(await post(path, { amount: '5.00', outcome: 'succeeds' }))).toMatchObject({
      notice: expect.stringContaining('refund.created, charge.refunded'),
    });
    expect(stub.listPayments()[0]?.charge?.amount_refunded).toBe(500);
    await post(path, { amount: '2,5', outcome: 'fails' });
    expect(stub.listPayments()[0]?.charge?.amount_refunded).toBe(750);
    await until(() => types().includes('refund.failed'));
    expect(stub.listPayments()[0]?.charge?.amount_refunded).toBe(500);
    await post(path, { outcome: 'succeeds' });
    expect(stub.listPayments()[0]?.charge?.amount_refunded).toBe(1500);
    // Nothing left: Stripe's refusal shown as an error, nothing emitted.
    const before = emitted.length;
    expect(await notice(await post(path, { outcome: 'succeeds' }))).toMatchObject({
      error: expect.stringMatching(/refunded/),
    });
    expect(emitted.length).toBe(before);
  });

  it('marks a refund issued from Codex, and one that keeps access; the Dashboard’s own stay plain', async () => {
    const paymentIntentId = await paid();
    await post(`/dashboard/payment_intents/${paymentIntentId}/refunds`, {
      amount: '2.00',
      outcome: 'succeeds',
    });
    // The metadata the checkout worker's refund endpoint puts on the refunds it creates.
    const fromCodex = { purchaseId: 'purchase-1', organizationId: 'org-1' };
    await stripe.refunds.create({
      payment_intent: paymentIntentId,
      amount: 300,
      reason: 'requested_by_customer',
      metadata: { ...fromCodex, refundRequestId: 'request-<1>', revokeAccess: 'true' },
    });
    await stripe.refunds.create({
      payment_intent: paymentIntentId,
      amount: 400,
      metadata: { ...fromCodex, refundRequestId: 'request-2', revokeAccess: 'false' },
    });

    const text = await (await fetch(`${stub.url}/`)).text();
    const refunds = [...text.matchAll(/<div [^>]*data-testid="refund"[^>]*>(.*?)<\/div>/g)].map(
      ([, inner = '']) => inner.replace(/<[^>]+>/g, ''),
    );
    expect(refunds).toEqual([
      'refund $4.00 succeeded · issued from Codex · keeps access',
      'refund $3.00 succeeded · issued from Codex · requested_by_customer',
      'refund $2.00 succeeded',
    ]);
    expect(text).toContain('title="refund request request-&lt;1&gt;, purchase purchase-1"');
  });

  it('refuses an amount that is not one', async () => {
    const paymentIntentId = await paid();
    const path = `/dashboard/payment_intents/${paymentIntentId}/refunds`;
    expect(await notice(await post(path, { amount: '5.001' }))).toMatchObject({
      error: 'Not an amount: 5.001',
    });
    expect(emitted).toEqual([]);
  });

  it('opens a dispute and closes it won or lost', async () => {
    const paymentIntentId = await paid();
    await post(`/dashboard/payment_intents/${paymentIntentId}/disputes`, {});
    expect(types()).toEqual(['charge.dispute.created', 'charge.dispute.funds_withdrawn']);
    const disputeId = String(stub.listPayments()[0]?.dispute?.id);
    await post(`/dashboard/disputes/${disputeId}/close`, { outcome: 'lost' });
    expect(types().slice(2)).toEqual(['charge.dispute.closed']);
    expect(stub.listPayments()[0]?.dispute?.status).toBe('lost');

    const other = await paid();
    await post(`/dashboard/payment_intents/${other}/disputes`, {});
    const won = String(stub.listPayments()[0]?.dispute?.id);
    await post(`/dashboard/disputes/${won}/close`, { outcome: 'won' });
    expect(stub.listPayments()[0]?.dispute?.status).toBe('won');
  });

  it('an unknown action is a 404', async () => {
    expect((await post('/dashboard/nothing', {})).status).toBe(404);
  });
});
