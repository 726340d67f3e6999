import { describe, expect, it } from 'vitest';
import type { StripeStubEvent } from '../api/event-store';
import { createSession, useStripeStub } from '../testing/stub-test-support';

const { stub, stripe } = useStripeStub();

interface ControlAnswer {
  status: number;
  json: { events?: StripeStubEvent[]; error?: { message: string } } & Record<string, unknown>;
}

/** Calls a control endpoint as a Workers test would: plain fetch, JSON in and out. */
async function control(method: string, path: string, body?: unknown): Promise<ControlAnswer> {
  const response = await fetch(`${stub().url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as ControlAnswer['json'] };
}

function action(name: string, body: unknown): Promise<ControlAnswer> {
  return control('POST', `/__stub/actions/${name}`, body);
}

function types(answer: ControlAnswer): string[] | undefined {
  return answer.json.events?.map((event) => event.type);
}

const openSession = () => createSession(stripe(), { unitAmount: 800 });

async function paidIntent(): Promise<string> {
  const sessionId = await openSession();
  await action('pay-checkout-session', { sessionId });
  return String(stub().getSession(sessionId)?.payment_intent);
}

describe('stripe() stub() action endpoints', () => {
  it('pay, settle and expire checkout sessions', async () => {
    const card = await openSession();
    const paid = await action('pay-checkout-session', { sessionId: card });
    expect(paid.status).toBe(200);
    expect(types(paid)).toEqual(['checkout.session.completed']);
    expect(paid.json.events?.[0]).toMatchObject({
      object: 'event',
      data: { object: { id: card, payment_status: 'paid' } },
    });

    const delayed = await openSession();
    await action('pay-checkout-session', { sessionId: delayed, method: 'delayed' });
    expect(stub().getSession(delayed)?.payment_status).toBe('unpaid');
    const settled = await action('settle-delayed-payment', {
      sessionId: delayed,
      outcome: 'failed',
    });
    expect(types(settled)).toEqual(['checkout.session.async_payment_failed']);

    const open = await openSession();
    const expired = await action('expire-checkout-session', { sessionId: open });
    expect(types(expired)).toEqual(['checkout.session.expired']);
    expect(stub().getSession(open)?.status).toBe('expired');
  });

  it('pay with a promotion code and a tax rate', async () => {
    const sessionId = await createSession(stripe(), {
      unitAmount: 2000,
      allowPromotionCodes: true,
      automaticTax: true,
      taxBehavior: 'exclusive',
    });

    const paid = await action('pay-checkout-session', {
      sessionId,
      promotionCode: { code: 'FIVE', amountOff: 500 },
      taxRatePercent: 20,
    });

    expect(paid.status).toBe(200);
    expect(paid.json.events?.[0]?.data.object).toMatchObject({
      amount_total: 1800,
      total_details: { amount_discount: 500, amount_tax: 300 },
    });
    const free = await createSession(stripe(), { allowPromotionCodes: false });
    const refused = await action('pay-checkout-session', {
      sessionId: free,
      promotionCode: { code: 'FREE', percentOff: 100 },
    });
    expect(refused).toMatchObject({
      status: 400,
      json: { error: { message: 'This code is invalid.' } },
    });
  });

  it('create and update refunds', async () => {
    const intentId = await paidIntent();

    const created = await action('create-refund', {
      paymentIntentId: intentId,
      amount: 300,
      status: 'pending',
    });
    expect(created.status).toBe(200);
    expect(created.json.refund).toMatchObject({ object: 'refund', amount: 300, status: 'pending' });
    expect(types(created)).toEqual(['refund.created', 'charge.refunded']);

    const refundId = String((created.json.refund as { id: string }).id);
    const updated = await action('update-refund', { refundId, status: 'failed' });
    expect(types(updated)).toEqual(['refund.failed', 'refund.updated', 'charge.refund.updated']);
    await expect(stripe().refunds.retrieve(refundId)).resolves.toMatchObject({ status: 'failed' });

    const refused = await action('update-refund', { refundId, status: 'succeeded' });
    expect(refused.status).toBe(400);
    const tooMuch = await action('create-refund', { paymentIntentId: intentId, amount: 801 });
    expect(tooMuch).toMatchObject({
      status: 400,
      json: {
        error: {
          message: 'Refund amount ($8.01) is greater than unrefunded amount on charge ($8.00)',
        },
      },
    });
  });

  it('open and update disputes', async () => {
    const intentId = await paidIntent();

    const opened = await action('open-dispute', { paymentIntentId: intentId });
    expect(opened.json.dispute).toMatchObject({
      object: 'dispute',
      amount: 800,
      status: 'needs_response',
    });
    expect(types(opened)).toEqual(['charge.dispute.created', 'charge.dispute.funds_withdrawn']);

    const disputeId = String((opened.json.dispute as { id: string }).id);
    const won = await action('update-dispute', { disputeId, status: 'won' });
    expect(types(won)).toEqual(['charge.dispute.closed', 'charge.dispute.funds_reinstated']);
    expect((await action('update-dispute', { disputeId, status: 'lost' })).status).toBe(400);
  });

  it('list events and mark one delivered', async () => {
    const intentId = await paidIntent();
    await action('create-refund', { paymentIntentId: intentId });

    const listed = await control('GET', '/__stub/events');
    const data = listed.json.data as StripeStubEvent[];
    expect(data.map((event) => event.type)).toEqual([
      'checkout.session.completed',
      'refund.created',
      'charge.refunded',
    ]);

    const delivered = await control('POST', `/__stub/events/${data[0]?.id}/delivered`);
    expect(delivered).toEqual({ status: 200, json: { id: data[0]?.id, delivered: true } });
    const pending = await stripe().events.list({ delivery_success: false });
    expect(pending.data.map((event) => event.id)).toEqual([data[2]?.id, data[1]?.id]);
    expect((await control('POST', '/__stub/events/evt_unknown/delivered')).status).toBe(404);
  });

  it('answer 404 for unknown ids', async () => {
    for (const [name, body] of [
      ['pay-checkout-session', { sessionId: 'cs_test_unknown' }],
      ['settle-delayed-payment', { sessionId: 'cs_test_unknown', outcome: 'succeeded' }],
      ['expire-checkout-session', { sessionId: 'cs_test_unknown' }],
      ['create-refund', { paymentIntentId: 'pi_unknown' }],
      ['update-refund', { refundId: 're_unknown', status: 'failed' }],
      ['open-dispute', { paymentIntentId: 'pi_unknown' }],
      ['update-dispute', { disputeId: 'du_unknown', status: 'won' }],
    ] as const) {
      const answer = await action(name, body);
      expect(answer, name).toMatchObject({
        status: 404,
        json: { error: { message: expect.any(String) } },
      });
    }
    expect((await action('refund-everything', {})).status).toBe(404);
    expect((await control('GET', '/__stub/actions/pay-checkout-session')).status).toBe(404);
  });

  it.each([
    ['a body that is not an object', 'pay-checkout-session', ['cs_1']],
    ['a missing id', 'pay-checkout-session', {}],
    ['an unknown method', 'pay-checkout-session', { sessionId: 'cs_1', method: 'cash' }],
    [
      'a promotion code without a code',
      'pay-checkout-session',
      { sessionId: 'cs_1', promotionCode: {} },
    ],
    [
      'a percentOff that is not a number',
      'pay-checkout-session',
      { sessionId: 'cs_1', promotionCode: { code: 'X', percentOff: '50' } },
    ],
    [
      'a tax rate that is not a number',
      'pay-checkout-session',
      { sessionId: 'cs_1', taxRatePercent: '10' },
    ],
    ['a missing outcome', 'settle-delayed-payment', { sessionId: 'cs_1' }],
    ['a fractional amount', 'create-refund', { paymentIntentId: 'pi_1', amount: 1.5 }],
    ['an unknown refund status', 'create-refund', { paymentIntentId: 'pi_1', status: 'failed' }],
    ['a missing status', 'update-refund', { refundId: 're_1' }],
    [
      'a dispute status it cannot move to',
      'update-dispute',
      { disputeId: 'du_1', status: 'warning_needs_response' },
    ],
  ])('answer 400 for %s', async (_, name, body) => {
    const answer = await action(name, body);
    expect(answer).toMatchObject({ status: 400, json: { error: { message: expect.any(String) } } });
  });

  it('answer 400 for a transition Stripe refuses', async () => {
    const sessionId = await openSession();
    await action('pay-checkout-session', { sessionId });
    const again = await action('pay-checkout-session', { sessionId });
    expect(again.status).toBe(400);
    expect(again.json.error?.message).toContain('"complete"');
  });

  it('reset clears events and money objects', async () => {
    const intentId = await paidIntent();
    await control('POST', '/__stub/reset');

    expect((await control('GET', '/__stub/events')).json.data).toEqual([]);
    await expect(stripe().paymentIntents.retrieve(intentId)).rejects.toMatchObject({
      statusCode: 404,
    });
  });
});

describe('the billing address and promotion codes over HTTP', () => {
  it('pays with the billing address or country given', async () => {
    const sessionId = await openSession();
    const paid = await action('pay-checkout-session', {
      sessionId,
      address: { country: 'gb', postal_code: 'EC1A 1BB' },
    });
    expect(paid.status).toBe(200);
    expect(stub().getSession(sessionId)?.customer_details?.address).toMatchObject({
      country: 'GB',
      postal_code: 'EC1A 1BB',
      city: null,
    });
    const bad = await action('pay-checkout-session', {
      sessionId: await openSession(),
      address: 'x',
    });
    expect(bad.status).toBe(400);
  });

  it('defines a promotion code with metadata, which the API then lists', async () => {
    const created = await action('create-promotion-code', {
      code: 'ORG1',
      percentOff: 20,
      metadata: { organizationId: 'org-1' },
    });
    expect(created).toMatchObject({
      status: 200,
      json: { object: 'promotion_code', code: 'ORG1', metadata: { organizationId: 'org-1' } },
    });
    const listed = await stripe().promotionCodes.list({ code: 'ORG1', active: true });
    expect(listed.data.map((code) => code.id)).toEqual([created.json.id]);
    const refused = await action('create-promotion-code', { code: 'ORG1', percentOff: 20 });
    expect(refused.status).toBe(400);
    expect((await action('create-promotion-code', { percentOff: 20 })).status).toBe(400);
  });
});
