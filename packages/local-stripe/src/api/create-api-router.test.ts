import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { createSession, payByCard, rejectionOf, useStripeStub } from '../testing/stub-test-support';

const { stub, stripe } = useStripeStub();

/** A session paid by card for `amount` cents; returns its PaymentIntent id. */
async function paidIntent(amount = 1000): Promise<string> {
  return payByCard(stub(), await createSession(stripe(), { unitAmount: amount, currency: 'eur' }));
}

describe('POST /v1/refunds', () => {
  it('refunds a payment intent, succeeded at once, and records the events with the request', async () => {
    const intentId = await paidIntent(1000);

    const refund = await stripe().refunds.create(
      {
        payment_intent: intentId,
        amount: 400,
        metadata: { purchaseId: 'p-1' },
        reason: 'duplicate',
      },
      { idempotencyKey: 'refund-1' },
    );

    expect(refund).toMatchObject({
      id: expect.stringMatching(/^re_/),
      object: 'refund',
      amount: 400,
      currency: 'eur',
      payment_intent: intentId,
      charge: expect.stringMatching(/^ch_/),
      status: 'succeeded',
      metadata: { purchaseId: 'p-1' },
      reason: 'duplicate',
      failure_reason: null,
    });
    expect(stub().events.slice(-2)).toMatchObject([
      {
        type: 'refund.created',
        request: { id: expect.stringMatching(/^req_/), idempotency_key: 'refund-1' },
      },
      { type: 'charge.refunded', data: { object: { id: refund.charge, amount_refunded: 400 } } },
    ]);
    expect(refund.lastResponse.requestId).toBe(stub().events.at(-1)?.request.id);
  });

  it('refunds by charge, the rest by default', async () => {
    const intentId = await paidIntent(1000);
    const { latest_charge: chargeId } = await stripe().paymentIntents.retrieve(intentId);
    await stripe().refunds.create({ charge: String(chargeId), amount: 300 });

    await expect(stripe().refunds.create({ charge: String(chargeId) })).resolves.toMatchObject({
      amount: 700,
      payment_intent: intentId,
    });
  });

  it('replays an idempotent retry without refunding or emitting twice', async () => {
    const intentId = await paidIntent(1000);
    const first = await stripe().refunds.create(
      { payment_intent: intentId, amount: 100 },
      { idempotencyKey: 'refund-2' },
    );
    const eventCount = stub().events.length;

    const again = await stripe().refunds.create(
      { payment_intent: intentId, amount: 100 },
      { idempotencyKey: 'refund-2' },
    );

    expect(again.id).toBe(first.id);
    expect(stub().events).toHaveLength(eventCount);
    const { data } = await stripe().refunds.list({ payment_intent: intentId });
    expect(data).toHaveLength(1);
  });

  it('refuses more than the unrefunded amount with Stripe’s message', async () => {
    const intentId = await paidIntent(1000);
    await stripe().refunds.create({ payment_intent: intentId, amount: 600 });

    const error = await rejectionOf(
      stripe().refunds.create({ payment_intent: intentId, amount: 401 }),
    );

    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({
      statusCode: 400,
      code: 'amount_too_large',
      param: 'amount',
      message: 'Refund amount (€4.01) is greater than unrefunded amount on charge (€4.00)',
    });
  });

  it.each([
    ['neither payment_intent nor charge', {}, undefined],
    ['both payment_intent and charge', { payment_intent: 'pi_x', charge: 'ch_x' }, undefined],
    ['an unknown payment intent', { payment_intent: 'pi_unknown' }, 'payment_intent'],
    ['an unknown charge', { charge: 'ch_unknown' }, 'charge'],
    ['amount 0', { payment_intent: 'PAID', amount: 0 }, 'amount'],
    ['an unknown reason', { payment_intent: 'PAID', reason: 'boredom' }, 'reason'],
    [
      'an unknown parameter',
      { payment_intent: 'PAID', refund_everything: true },
      'refund_everything',
    ],
  ])('refuses %s', async (_, params, param) => {
    const intentId = await paidIntent();
    const body = Object.fromEntries(
      Object.entries(params).map(([key, value]) => [key, value === 'PAID' ? intentId : value]),
    ) as Stripe.RefundCreateParams;

    const error = await rejectionOf(stripe().refunds.create(body));

    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, param });
    expect(stub().events.filter((event) => event.type === 'refund.created')).toEqual([]);
  });
});

describe('GET /v1/refunds', () => {
  it('lists newest first, filtered by payment intent or charge, with cursors', async () => {
    const intentA = await paidIntent(1000);
    const intentB = await paidIntent(1000);
    const a1 = await stripe().refunds.create({ payment_intent: intentA, amount: 100 });
    const b1 = await stripe().refunds.create({ payment_intent: intentB, amount: 100 });
    const a2 = await stripe().refunds.create({ payment_intent: intentA, amount: 100 });
    const a3 = await stripe().refunds.create({ payment_intent: intentA, amount: 100 });

    const all = await stripe().refunds.list();
    expect(all).toMatchObject({ object: 'list', url: '/v1/refunds', has_more: false });
    expect(all.data.map((refund) => refund.id)).toEqual([a3.id, a2.id, b1.id, a1.id]);

    const first = await stripe().refunds.list({ payment_intent: intentA, limit: 2 });
    expect(first.data.map((refund) => refund.id)).toEqual([a3.id, a2.id]);
    expect(first.has_more).toBe(true);
    const next = await stripe().refunds.list({
      payment_intent: intentA,
      limit: 2,
      starting_after: a2.id,
    });
    expect(next.data.map((refund) => refund.id)).toEqual([a1.id]);
    expect(next.has_more).toBe(false);
    const previous = await stripe().refunds.list({
      payment_intent: intentA,
      ending_before: a1.id,
      limit: 1,
    });
    expect(previous.data.map((refund) => refund.id)).toEqual([a2.id]);
    expect(previous.has_more).toBe(true);

    const byCharge = await stripe().refunds.list({ charge: String(b1.charge) });
    expect(byCharge.data.map((refund) => refund.id)).toEqual([b1.id]);
    const paged = await stripe().refunds.list({ limit: 1 }).autoPagingToArray({ limit: 10 });
    expect(paged.map((refund) => refund.id)).toEqual([a3.id, a2.id, b1.id, a1.id]);
  });

  it.each([
    ['limit 0', { limit: 0 }, 'limit'],
    ['limit 101', { limit: 101 }, 'limit'],
    ['an unknown cursor', { starting_after: 're_unknown' }, 'starting_after'],
    ['an unknown parameter', { status: 'succeeded' }, 'status'],
  ])('refuses %s', async (_, params, param) => {
    const error = await rejectionOf(stripe().refunds.list(params as Stripe.RefundListParams));
    expect(error).toMatchObject({ statusCode: 400, param });
  });

  it('refuses starting_after together with ending_before', async () => {
    const intentId = await paidIntent();
    const { id } = await stripe().refunds.create({ payment_intent: intentId, amount: 1 });
    const error = await rejectionOf(
      stripe().refunds.list({ starting_after: id, ending_before: id }),
    );
    expect(error).toMatchObject({ statusCode: 400 });
  });
});

describe('retrieving', () => {
  it.each([
    ['payment intent', 'pi_unknown', () => stripe().paymentIntents.retrieve('pi_unknown')],
    ['charge', 'ch_unknown', () => stripe().charges.retrieve('ch_unknown')],
    ['refund', 're_unknown', () => stripe().refunds.retrieve('re_unknown')],
    ['dispute', 'du_unknown', () => stripe().disputes.retrieve('du_unknown')],
    ['event', 'evt_unknown', () => stripe().events.retrieve('evt_unknown')],
  ])('an unknown %s answers 404 resource_missing', async (_, id, retrieve) => {
    const error = await rejectionOf(retrieve());
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
      message: expect.stringContaining(`'${id}'`),
    });
  });

  it('expands latest_charge on a payment intent', async () => {
    const intentId = await paidIntent(1000);
    const intent = await stripe().paymentIntents.retrieve(intentId, { expand: ['latest_charge'] });
    expect(intent.latest_charge).toMatchObject({ object: 'charge', payment_intent: intentId });
  });

  it('refuses an unknown parameter on retrieve and an unknown route', async () => {
    const intentId = await paidIntent();
    const query = await fetch(`${stub().url}/v1/payment_intents/${intentId}?foo=bar`, {
      headers: { Authorization: 'Bearer sk_test_stub' },
    });
    expect(query.status).toBe(400);
    const route = await fetch(`${stub().url}/v1/refunds/re_x/cancel`, {
      method: 'POST',
      headers: { Authorization: 'Bearer sk_test_stub' },
    });
    expect(route.status).toBe(404);
    expect(await route.json()).toMatchObject({
      error: { message: expect.stringContaining('Unrecognized request URL') },
    });
  });

  it('requires an API key on the new routes too', async () => {
    const response = await fetch(`${stub().url}/v1/events`);
    expect(response.status).toBe(401);
  });
});
