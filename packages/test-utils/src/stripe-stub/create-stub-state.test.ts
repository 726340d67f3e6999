import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { StripeStubError } from './stripe-error';
import { createSession, thrownBy, types, useStripeStub } from './stub-test-support';

const { stub, stripe } = useStripeStub();

const openSession = () => createSession(stripe(), { metadata: { purchaseId: 'purchase-7' } });

describe('paying a checkout session', () => {
  it('by card: a succeeded PaymentIntent and Charge, a paid session, one completed event', async () => {
    const sessionId = await openSession();

    const events = stub().payCheckoutSession(sessionId);

    const session = await stripe().checkout.sessions.retrieve(sessionId);
    expect(session).toMatchObject({ status: 'complete', payment_status: 'paid', url: null });
    const intent = await stripe().paymentIntents.retrieve(String(session.payment_intent));
    expect(intent).toMatchObject({
      id: expect.stringMatching(/^pi_\w{24}$/),
      object: 'payment_intent',
      status: 'succeeded',
      amount: 1250,
      amount_received: 1250,
      currency: 'usd',
      metadata: { purchaseId: 'purchase-7' },
      latest_charge: expect.stringMatching(/^ch_\w{24}$/),
      last_payment_error: null,
    });
    const charge = await stripe().charges.retrieve(String(intent.latest_charge));
    expect(charge).toMatchObject({
      object: 'charge',
      status: 'succeeded',
      paid: true,
      amount: 1250,
      amount_refunded: 0,
      refunded: false,
      disputed: false,
      payment_intent: intent.id,
      currency: 'usd',
      metadata: {},
    });
    expect(charge).not.toHaveProperty('refunds');

    expect(types(events)).toEqual(['checkout.session.completed']);
    expect(events[0]).toMatchObject({
      id: expect.stringMatching(/^evt_\w{24}$/),
      object: 'event',
      api_version: Stripe.API_VERSION,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      data: { object: { id: sessionId, status: 'complete', payment_intent: intent.id } },
    });
    expect(events[0]?.data.object).not.toHaveProperty('payment_intent_data');
  });

  it('expands payment_intent on session retrieve only when asked', async () => {
    const sessionId = await openSession();
    stub().payCheckoutSession(sessionId);

    const plain = await stripe().checkout.sessions.retrieve(sessionId);
    const expanded = await stripe().checkout.sessions.retrieve(sessionId, {
      expand: ['payment_intent'],
    });

    expect(typeof plain.payment_intent).toBe('string');
    expect(expanded.payment_intent).toMatchObject({
      id: plain.payment_intent,
      object: 'payment_intent',
      status: 'succeeded',
      metadata: { purchaseId: 'purchase-7' },
    });
    expect(stub().requests.at(-1)?.form).toEqual({ 'expand[0]': 'payment_intent' });
  });

  it('by bank debit: processing until settled as succeeded', async () => {
    const sessionId = await openSession();

    expect(types(stub().payCheckoutSession(sessionId, { method: 'delayed' }))).toEqual([
      'checkout.session.completed',
    ]);
    const session = await stripe().checkout.sessions.retrieve(sessionId, {
      expand: ['payment_intent'],
    });
    expect(session).toMatchObject({
      status: 'complete',
      payment_status: 'unpaid',
      payment_intent: { status: 'processing', amount_received: 0 },
    });
    const intent = session.payment_intent as Stripe.PaymentIntent;
    await expect(stripe().charges.retrieve(String(intent.latest_charge))).resolves.toMatchObject({
      status: 'pending',
      paid: false,
    });

    const settled = stub().settleDelayedPayment(sessionId, 'succeeded');

    expect(types(settled)).toEqual(['checkout.session.async_payment_succeeded']);
    expect(settled[0]?.data.object).toMatchObject({ payment_status: 'paid' });
    await expect(stripe().paymentIntents.retrieve(intent.id)).resolves.toMatchObject({
      status: 'succeeded',
      amount_received: 1250,
    });
    await expect(stripe().charges.retrieve(String(intent.latest_charge))).resolves.toMatchObject({
      status: 'succeeded',
      paid: true,
    });
  });

  it('by bank debit that fails: requires_payment_method, a failed charge, nothing to refund', async () => {
    const sessionId = await openSession();
    stub().payCheckoutSession(sessionId, { method: 'delayed' });

    const failed = stub().settleDelayedPayment(sessionId, 'failed');

    expect(types(failed)).toEqual(['checkout.session.async_payment_failed']);
    expect(failed[0]?.data.object).toMatchObject({ status: 'complete', payment_status: 'unpaid' });
    const intentId = String(stub().getSession(sessionId)?.payment_intent);
    const intent = await stripe().paymentIntents.retrieve(intentId);
    expect(intent).toMatchObject({
      status: 'requires_payment_method',
      last_payment_error: { code: 'payment_intent_payment_attempt_failed' },
    });
    await expect(stripe().charges.retrieve(String(intent.latest_charge))).resolves.toMatchObject({
      status: 'failed',
      paid: false,
    });
    expect(thrownBy(() => stub().settleDelayedPayment(sessionId, 'succeeded'))).toMatchObject({
      status: 400,
    });
    expect(thrownBy(() => stub().createRefund(intentId))).toBeInstanceOf(StripeStubError);
  });

  it('refuses to pay or settle what Stripe would not', async () => {
    const sessionId = await openSession();
    expect(thrownBy(() => stub().settleDelayedPayment(sessionId, 'succeeded'))).toMatchObject({
      status: 400,
    });
    stub().payCheckoutSession(sessionId);

    expect(thrownBy(() => stub().payCheckoutSession(sessionId))).toMatchObject({
      name: 'StripeStubError',
      status: 400,
      message: expect.stringContaining('"complete"'),
    });
    expect(thrownBy(() => stub().settleDelayedPayment(sessionId, 'failed'))).toMatchObject({
      status: 400,
    });
    expect(thrownBy(() => stub().payCheckoutSession('cs_test_unknown'))).toMatchObject({
      status: 404,
    });
  });
});

describe('expiring a checkout session', () => {
  it('emits checkout.session.expired from the stub(), from the API with its request, and by time', async () => {
    const byStub = await openSession();
    expect(types(stub().expireCheckoutSession(byStub))).toEqual(['checkout.session.expired']);
    expect(thrownBy(() => stub().expireCheckoutSession(byStub))).toMatchObject({ status: 400 });

    const byApi = await openSession();
    await stripe().checkout.sessions.expire(byApi, {}, { idempotencyKey: 'expire-1' });
    expect(stub().events.at(-1)).toMatchObject({
      type: 'checkout.session.expired',
      request: { id: expect.stringMatching(/^req_/), idempotency_key: 'expire-1' },
      data: { object: { id: byApi, status: 'expired', url: null } },
    });

    const byTime = await openSession();
    stub().updateSession(byTime, { expires_at: Math.floor(Date.now() / 1000) - 1 });
    const expired = stub().events.filter((event) => event.data.object.id === byTime);
    expect(types(expired)).toEqual(['checkout.session.expired']);
    await stripe().checkout.sessions.retrieve(byTime);
    expect(stub().events.filter((event) => event.data.object.id === byTime)).toHaveLength(1);
  });

  it('keeps updateSession silent and still serves a PaymentIntent derived from the session', async () => {
    const sessionId = await openSession();
    stub().updateSession(sessionId, {
      status: 'complete',
      payment_status: 'paid',
      payment_intent: 'pi_patched',
    });

    expect(stub().events).toEqual([]);
    await expect(
      stripe().checkout.sessions.retrieve(sessionId, { expand: ['payment_intent'] }),
    ).resolves.toMatchObject({
      payment_intent: {
        id: 'pi_patched',
        status: 'succeeded',
        metadata: { purchaseId: 'purchase-7' },
      },
    });
  });
});
