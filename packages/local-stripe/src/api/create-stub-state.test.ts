import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { startStripeStub } from '../start-stripe-stub';
import {
  createSession,
  rejectionOf,
  thrownBy,
  types,
  useStripeStub,
} from '../testing/stub-test-support';
import { StripeStubError } from './stripe-error';

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

describe('paying with a promotion code and automatic tax', () => {
  const half = { code: 'HALF', percentOff: 50 };

  it('refuses a code when the session does not allow promotion codes, leaving it open', async () => {
    for (const allowPromotionCodes of [undefined, false]) {
      const sessionId = await createSession(stripe(), { allowPromotionCodes });

      const error = thrownBy(() => stub().payCheckoutSession(sessionId, { promotionCode: half }));

      expect(error).toBeInstanceOf(StripeStubError);
      expect(error).toMatchObject({ status: 400, message: 'This code is invalid.' });
      expect(stub().getSession(sessionId)?.status).toBe('open');
    }
    expect(stub().events).toEqual([]);
  });

  it('a percentage code: the discount in the totals, the PaymentIntent for the total', async () => {
    const sessionId = await createSession(stripe(), {
      unitAmount: 1250,
      allowPromotionCodes: true,
    });

    const [completed] = stub().payCheckoutSession(sessionId, {
      promotionCode: { code: 'quarter', percentOff: 25 },
    });

    const session = await stripe().checkout.sessions.retrieve(sessionId, {
      expand: ['payment_intent'],
    });
    // 25 % of 12.50 is 3.125: rounded to the nearest cent, as Stripe rounds.
    expect(session).toMatchObject({
      status: 'complete',
      payment_status: 'paid',
      amount_subtotal: 1250,
      amount_total: 937,
      total_details: { amount_discount: 313, amount_shipping: 0, amount_tax: 0 },
      discounts: [{ promotion_code: expect.stringMatching(/^promo_\w{24}$/) }],
      payment_intent: { amount: 937, amount_received: 937 },
    });
    // The event carries the same totals, as the webhook handler reads them.
    expect(completed?.data.object).toMatchObject({
      amount_subtotal: 1250,
      amount_total: 937,
      total_details: { amount_discount: 313, amount_tax: 0 },
      discounts: session.discounts,
    });
    // The same code (case-insensitive) is the same promotion code.
    const other = await createSession(stripe(), { allowPromotionCodes: true });
    stub().payCheckoutSession(other, { promotionCode: { code: 'QUARTER', percentOff: 25 } });
    expect(stub().getSession(other)?.discounts).toEqual(session.discounts);
  });

  it('an amount code takes at most the subtotal', async () => {
    const sessionId = await createSession(stripe(), {
      unitAmount: 2000,
      allowPromotionCodes: true,
    });
    stub().payCheckoutSession(sessionId, { promotionCode: { code: 'FIVE', amountOff: 500 } });
    expect(stub().getSession(sessionId)).toMatchObject({
      amount_total: 1500,
      total_details: { amount_discount: 500 },
      payment_status: 'paid',
    });

    const covered = await createSession(stripe(), { unitAmount: 400, allowPromotionCodes: true });
    stub().payCheckoutSession(covered, { promotionCode: { code: 'FIVE', amountOff: 500 } });
    expect(stub().getSession(covered)).toMatchObject({
      amount_total: 0,
      total_details: { amount_discount: 400 },
      payment_status: 'no_payment_required',
    });
  });

  it.each(['card', 'delayed'] as const)(
    '100 %% off by %s: complete, no_payment_required, no PaymentIntent, the usual event',
    async (method) => {
      const sessionId = await createSession(stripe(), {
        allowPromotionCodes: true,
        automaticTax: true,
        taxBehavior: 'exclusive',
      });

      const events = stub().payCheckoutSession(sessionId, {
        method,
        promotionCode: { code: 'FREE', percentOff: 100 },
      });

      expect(types(events)).toEqual(['checkout.session.completed']);
      expect(events[0]?.data.object).toMatchObject({
        status: 'complete',
        payment_status: 'no_payment_required',
        payment_intent: null,
        amount_subtotal: 1250,
        amount_total: 0,
        total_details: { amount_discount: 1250, amount_tax: 0 },
      });
      expect(stub().listPayments()).toMatchObject([
        { paymentIntent: undefined, charge: undefined },
      ]);
      expect(thrownBy(() => stub().settleDelayedPayment(sessionId, 'succeeded'))).toMatchObject({
        status: 400,
      });
    },
  );

  it('exclusive tax is added to the total at 10 % unless the buyer’s address says otherwise', async () => {
    const sessionId = await createSession(stripe(), {
      unitAmount: 2000,
      automaticTax: true,
      taxBehavior: 'exclusive',
    });
    stub().payCheckoutSession(sessionId);
    const session = await stripe().checkout.sessions.retrieve(sessionId, {
      expand: ['payment_intent'],
    });
    expect(session).toMatchObject({
      amount_subtotal: 2000,
      amount_total: 2200,
      total_details: { amount_discount: 0, amount_tax: 200 },
      automatic_tax: { enabled: true, status: 'complete' },
      discounts: [],
      payment_intent: { amount: 2200 },
    });

    const elsewhere = await createSession(stripe(), {
      unitAmount: 2000,
      automaticTax: true,
      taxBehavior: 'exclusive',
    });
    stub().payCheckoutSession(elsewhere, { taxRatePercent: 19 });
    expect(stub().getSession(elsewhere)).toMatchObject({
      amount_total: 2380,
      total_details: { amount_tax: 380 },
    });
  });

  it('inclusive tax is reported as the part of the price it is, the total unchanged', async () => {
    const sessionId = await createSession(stripe(), {
      unitAmount: 2200,
      automaticTax: true,
      taxBehavior: 'inclusive',
    });
    stub().payCheckoutSession(sessionId);
    expect(stub().getSession(sessionId)).toMatchObject({
      amount_subtotal: 2200,
      amount_total: 2200,
      total_details: { amount_tax: 200 },
      payment_status: 'paid',
    });
  });

  it.each([
    ['exclusive', 2000, 1100],
    ['inclusive', 2200, 1100],
  ] as const)(
    '%s tax is computed on the discounted amount',
    async (taxBehavior, unitAmount, total) => {
      const sessionId = await createSession(stripe(), {
        unitAmount,
        allowPromotionCodes: true,
        automaticTax: true,
        taxBehavior,
      });
      stub().payCheckoutSession(sessionId, { promotionCode: half });
      expect(stub().getSession(sessionId)).toMatchObject({
        amount_subtotal: unitAmount,
        amount_total: total,
        total_details: { amount_discount: unitAmount / 2, amount_tax: 100 },
      });
    },
  );

  it('computes no tax without automatic tax, whatever rate is given', async () => {
    const sessionId = await createSession(stripe(), { unitAmount: 2000 });
    stub().payCheckoutSession(sessionId, { taxRatePercent: 25 });
    expect(stub().getSession(sessionId)).toMatchObject({
      amount_total: 2000,
      total_details: { amount_tax: 0 },
      automatic_tax: { enabled: false, status: null },
    });
  });

  it('a delayed payment with a discount and tax settles for the total', async () => {
    const sessionId = await createSession(stripe(), {
      unitAmount: 2000,
      allowPromotionCodes: true,
      automaticTax: true,
      taxBehavior: 'exclusive',
    });
    stub().payCheckoutSession(sessionId, { method: 'delayed', promotionCode: half });
    expect(stub().getSession(sessionId)).toMatchObject({
      payment_status: 'unpaid',
      amount_total: 1100,
    });

    const [settled] = stub().settleDelayedPayment(sessionId, 'succeeded');

    expect(settled?.data.object).toMatchObject({ payment_status: 'paid', amount_total: 1100 });
    const intentId = String(stub().getSession(sessionId)?.payment_intent);
    await expect(stripe().paymentIntents.retrieve(intentId)).resolves.toMatchObject({
      amount: 1100,
      amount_received: 1100,
    });
  });

  it('refunds of a discounted payment stop at what was paid', async () => {
    const sessionId = await createSession(stripe(), {
      unitAmount: 2000,
      allowPromotionCodes: true,
    });
    stub().payCheckoutSession(sessionId, { promotionCode: half });
    const intentId = String(stub().getSession(sessionId)?.payment_intent);

    const error = await rejectionOf(
      stripe().refunds.create({ payment_intent: intentId, amount: 1001 }),
    );
    expect(error).toMatchObject({ statusCode: 400, code: 'amount_too_large' });
    await expect(stripe().refunds.create({ payment_intent: intentId })).resolves.toMatchObject({
      amount: 1000,
    });
  });

  it.each([
    ['an empty code', { code: ' ', percentOff: 10 }],
    ['both percentOff and amountOff', { code: 'X', percentOff: 10, amountOff: 100 }],
    ['neither percentOff nor amountOff', { code: 'X' }],
    ['percentOff 0', { code: 'X', percentOff: 0 }],
    ['percentOff above 100', { code: 'X', percentOff: 101 }],
    ['a fractional amountOff', { code: 'X', amountOff: 1.5 }],
  ])('refuses a promotion code with %s', async (_, promotionCode) => {
    const sessionId = await createSession(stripe(), { allowPromotionCodes: true });
    expect(thrownBy(() => stub().payCheckoutSession(sessionId, { promotionCode }))).toMatchObject({
      status: 400,
    });
    expect(stub().getSession(sessionId)?.status).toBe('open');
  });

  it('charges the stub’s own default rate when started with one, and refuses a bad one', async () => {
    const ownStub = await startStripeStub({ taxRatePercent: 20 });
    try {
      const ownStripe = new Stripe('sk_test_stub', {
        host: ownStub.host,
        port: ownStub.port,
        protocol: 'http',
        httpClient: Stripe.createFetchHttpClient(),
      });
      const sessionId = await createSession(ownStripe, {
        unitAmount: 1000,
        automaticTax: true,
        taxBehavior: 'exclusive',
      });
      ownStub.payCheckoutSession(sessionId);
      expect(ownStub.getSession(sessionId)).toMatchObject({
        amount_total: 1200,
        total_details: { amount_tax: 200 },
      });
    } finally {
      await ownStub.close();
    }
    await expect(startStripeStub({ taxRatePercent: 150 })).rejects.toThrow(/taxRatePercent/);
  });

  it('refuses a tax rate outside 0 to 100', async () => {
    const sessionId = await createSession(stripe(), {
      automaticTax: true,
      taxBehavior: 'exclusive',
    });
    expect(
      thrownBy(() => stub().payCheckoutSession(sessionId, { taxRatePercent: -1 })),
    ).toMatchObject({ status: 400 });
  });
});
