import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { rejectionOf, useStripeStub } from '../testing/stub-test-support';

const { stub, stripe } = useStripeStub();

/** What the contract suite sends Stripe for a card payment it can refund. */
const paid: Stripe.PaymentIntentCreateParams = {
  amount: 2000,
  currency: 'usd',
  payment_method: 'pm_card_visa',
  confirm: true,
  automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
};

describe('POST /v1/payment_intents', () => {
  it('confirms a test card at once: succeeded, with a captured charge to refund', async () => {
    const intent = await stripe().paymentIntents.create({ ...paid, metadata: { case: 'a' } });
    expect(intent).toMatchObject({
      id: expect.stringMatching(/^pi_/),
      status: 'succeeded',
      amount: 2000,
      amount_received: 2000,
      capture_method: 'automatic',
      payment_method: 'pm_card_visa',
      metadata: { case: 'a' },
      latest_charge: expect.stringMatching(/^ch_/),
    });
    await expect(
      stripe().refunds.create({ payment_intent: intent.id, amount: 500 }),
    ).resolves.toMatchObject({ status: 'succeeded', amount: 500 });
    await expect(stripe().refunds.create({ payment_intent: intent.id })).resolves.toMatchObject({
      amount: 1500,
    });
    await expect(
      rejectionOf(stripe().refunds.create({ payment_intent: intent.id, amount: 1 })),
    ).resolves.toMatchObject({ code: 'charge_already_refunded' });
  });

  it('leaves an unconfirmed one waiting, with no charge', async () => {
    await expect(
      stripe().paymentIntents.create({ amount: 1000, currency: 'eur' }),
    ).resolves.toMatchObject({ status: 'requires_payment_method', latest_charge: null });
    await expect(
      stripe().paymentIntents.create({
        amount: 1000,
        currency: 'eur',
        payment_method: 'pm_card_visa',
      }),
    ).resolves.toMatchObject({ status: 'requires_confirmation', latest_charge: null });
  });

  it('needs a return_url to confirm when redirects are allowed, and a payment method', async () => {
    await expect(
      rejectionOf(
        stripe().paymentIntents.create({ ...paid, automatic_payment_methods: { enabled: true } }),
      ),
    ).resolves.toMatchObject({ statusCode: 400 });
    await expect(
      stripe().paymentIntents.create({
        ...paid,
        automatic_payment_methods: { enabled: true },
        return_url: 'https://codex.test/back',
      }),
    ).resolves.toMatchObject({ status: 'succeeded' });
    const { payment_method: _none, ...withoutMethod } = paid;
    await expect(rejectionOf(stripe().paymentIntents.create(withoutMethod))).resolves.toMatchObject(
      {
        statusCode: 400,
      },
    );
  });

  it('refuses an unknown payment method and unknown parameters', async () => {
    await expect(
      rejectionOf(stripe().paymentIntents.create({ ...paid, payment_method: 'pm_nope' })),
    ).resolves.toMatchObject({ code: 'resource_missing', param: 'payment_method' });
    await expect(
      rejectionOf(
        stripe().paymentIntents.create({
          ...paid,
          setup_future_usage: 'off_session',
        }),
      ),
    ).resolves.toMatchObject({ code: 'parameter_unknown', param: 'setup_future_usage' });
  });
});

describe('refunds of what was not charged', () => {
  it('refuses an authorisation awaiting a manual capture', async () => {
    const intent = await stripe().paymentIntents.create({ ...paid, capture_method: 'manual' });
    expect(intent).toMatchObject({ status: 'requires_capture', amount_capturable: 2000 });
    const charge = await stripe().charges.retrieve(String(intent.latest_charge));
    expect(charge).toMatchObject({ captured: false, amount_captured: 0 });

    await expect(
      rejectionOf(stripe().refunds.create({ payment_intent: intent.id })),
    ).resolves.toMatchObject({ statusCode: 400, param: 'payment_intent' });
    await expect(
      rejectionOf(stripe().refunds.create({ charge: charge.id })),
    ).resolves.toMatchObject({
      statusCode: 400,
      param: 'charge',
    });
  });

  it('refuses a payment that failed, and one still processing', async () => {
    const session = await stripe().checkout.sessions.create({
      mode: 'payment',
      success_url: 'https://codex.test/s',
      cancel_url: 'https://codex.test/c',
      line_items: [
        {
          quantity: 1,
          price_data: { currency: 'eur', unit_amount: 1000, product_data: { name: 'A' } },
        },
      ],
    });
    stub().payCheckoutSession(session.id, { method: 'delayed' });
    const intentId = String(stub().getSession(session.id)?.payment_intent);
    await expect(
      rejectionOf(stripe().refunds.create({ payment_intent: intentId })),
    ).resolves.toMatchObject({
      statusCode: 400,
      message: 'This PaymentIntent does not have a successful charge to refund.',
    });
    stub().settleDelayedPayment(session.id, 'failed');
    await expect(
      rejectionOf(stripe().refunds.create({ payment_intent: intentId })),
    ).resolves.toMatchObject({ statusCode: 400, param: 'payment_intent' });
  });
});
