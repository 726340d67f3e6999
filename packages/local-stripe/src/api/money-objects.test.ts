import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  createSession,
  payByCard,
  rejectionOf,
  thrownBy,
  types,
  useStripeStub,
} from '../testing/stub-test-support';

const { stub, stripe } = useStripeStub();

const openSession = (unitAmount = 1250, currency = 'usd') =>
  createSession(stripe(), { unitAmount, currency, metadata: { purchaseId: 'purchase-7' } });

/** A session paid by card; returns its PaymentIntent id. */
async function paidIntent(unitAmount = 1250, currency = 'usd'): Promise<string> {
  return payByCard(stub(), await openSession(unitAmount, currency));
}

describe('refunds', () => {
  it('refunds what is left by default and emits refund.created then charge.refunded', async () => {
    const intentId = await paidIntent(1250);

    const { refund, events } = stub().createRefund(intentId, { amount: 250 });
    const rest = stub().createRefund(intentId);

    expect(refund).toMatchObject({
      id: expect.stringMatching(/^re_\w{24}$/),
      object: 'refund',
      amount: 250,
      currency: 'usd',
      payment_intent: intentId,
      status: 'succeeded',
      metadata: {},
      reason: null,
      failure_reason: null,
    });
    expect(rest.refund.amount).toBe(1000);
    expect(types(events)).toEqual(['refund.created', 'charge.refunded']);
    expect(events[0]?.data.object).toEqual(refund);
    expect(events[1]?.data.object).toMatchObject({
      object: 'charge',
      amount_refunded: 250,
      refunded: false,
    });
    expect(events[1]?.data.object).not.toHaveProperty('refunds');
    expect(rest.events[1]?.data.object).toMatchObject({ amount_refunded: 1250, refunded: true });
    await expect(stripe().refunds.retrieve(refund.id)).resolves.toMatchObject(refund);
  });

  it('refuses more than the unrefunded amount, then anything once fully refunded', async () => {
    const intentId = await paidIntent(2000);
    stub().createRefund(intentId, { amount: 500, status: 'pending' });

    // A pending refund already counts against the charge, as on Stripe.
    expect(thrownBy(() => stub().createRefund(intentId, { amount: 1501 }))).toMatchObject({
      status: 400,
      code: 'amount_too_large',
      param: 'amount',
      message: 'Refund amount ($15.01) is greater than unrefunded amount on charge ($15.00)',
    });
    stub().createRefund(intentId, { amount: 1500 });

    expect(thrownBy(() => stub().createRefund(intentId, { amount: 1 }))).toMatchObject({
      status: 400,
      code: 'charge_already_refunded',
    });
    const error = await rejectionOf(stripe().refunds.create({ payment_intent: intentId }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, code: 'charge_already_refunded' });
  });

  it('writes amounts in the charge currency, zero-decimal ones included', async () => {
    const yen = await paidIntent(500, 'jpy');
    expect(thrownBy(() => stub().createRefund(yen, { amount: 501 }))).toMatchObject({
      message: 'Refund amount (¥501) is greater than unrefunded amount on charge (¥500)',
    });
  });

  it('moves a pending refund to succeeded with refund.updated and charge.refund.updated', async () => {
    const intentId = await paidIntent(1000);
    const { refund } = stub().createRefund(intentId, { status: 'pending' });
    const { latest_charge: chargeId } = await stripe().paymentIntents.retrieve(intentId);
    await expect(stripe().charges.retrieve(String(chargeId))).resolves.toMatchObject({
      amount_refunded: 1000,
      refunded: true,
    });

    const events = stub().updateRefund(refund.id, 'succeeded');

    expect(types(events)).toEqual(['refund.updated', 'charge.refund.updated']);
    expect(events.map((event) => event.data.object.status)).toEqual(['succeeded', 'succeeded']);
    await expect(stripe().charges.retrieve(String(chargeId))).resolves.toMatchObject({
      amount_refunded: 1000,
    });
  });

  it('a failed refund, even a succeeded one, stops counting and frees the amount again', async () => {
    const intentId = await paidIntent(1000);
    const { refund } = stub().createRefund(intentId, { amount: 600 });

    const events = stub().updateRefund(refund.id, 'failed');

    expect(types(events)).toEqual(['refund.failed', 'refund.updated', 'charge.refund.updated']);
    expect(events[0]?.data.object).toMatchObject({
      status: 'failed',
      failure_reason: 'expired_or_canceled_card',
    });
    const { latest_charge: chargeId } = await stripe().paymentIntents.retrieve(intentId);
    await expect(stripe().charges.retrieve(String(chargeId))).resolves.toMatchObject({
      amount_refunded: 0,
      refunded: false,
    });
    expect(stub().createRefund(intentId).refund.amount).toBe(1000);
  });

  it('cancels only a pending refund; failed and canceled are final', async () => {
    const intentId = await paidIntent(1000);
    const pending = stub().createRefund(intentId, { amount: 300, status: 'pending' }).refund;
    const succeeded = stub().createRefund(intentId, { amount: 300 }).refund;

    expect(types(stub().updateRefund(pending.id, 'canceled'))).toEqual([
      'refund.updated',
      'charge.refund.updated',
    ]);
    await expect(stripe().refunds.retrieve(pending.id)).resolves.toMatchObject({
      status: 'canceled',
    });
    const { latest_charge: chargeId } = await stripe().paymentIntents.retrieve(intentId);
    await expect(stripe().charges.retrieve(String(chargeId))).resolves.toMatchObject({
      amount_refunded: 300,
    });
    expect(thrownBy(() => stub().updateRefund(succeeded.id, 'canceled'))).toMatchObject({
      status: 400,
    });
    stub().updateRefund(succeeded.id, 'failed');
    for (const status of ['succeeded', 'failed', 'canceled'] as const) {
      expect(thrownBy(() => stub().updateRefund(pending.id, status))).toMatchObject({
        status: 400,
      });
      expect(thrownBy(() => stub().updateRefund(succeeded.id, status))).toMatchObject({
        status: 400,
      });
    }
    expect(thrownBy(() => stub().updateRefund('re_unknown', 'failed'))).toMatchObject({
      status: 404,
    });
  });
});

describe('disputes', () => {
  it('opens a chargeback on the charge and emits created then funds_withdrawn', async () => {
    const intentId = await paidIntent(1250);

    const { dispute, events } = stub().openDispute(intentId);

    const { latest_charge: chargeId } = await stripe().paymentIntents.retrieve(intentId);
    expect(dispute).toMatchObject({
      id: expect.stringMatching(/^du_\w{24}$/),
      object: 'dispute',
      amount: 1250,
      charge: chargeId,
      currency: 'usd',
      payment_intent: intentId,
      status: 'needs_response',
      reason: 'fraudulent',
      metadata: {},
      is_charge_refundable: false,
    });
    expect(types(events)).toEqual(['charge.dispute.created', 'charge.dispute.funds_withdrawn']);
    await expect(stripe().disputes.retrieve(dispute.id)).resolves.toMatchObject(dispute);
    await expect(stripe().charges.retrieve(String(chargeId))).resolves.toMatchObject({
      disputed: true,
    });
    expect(stub().openDispute(await paidIntent(900), { amount: 400 }).dispute.amount).toBe(400);
    expect(thrownBy(() => stub().openDispute(intentId))).toMatchObject({ status: 400 });
    expect(thrownBy(() => stub().openDispute('pi_unknown'))).toMatchObject({ status: 404 });
  });

  it('refuses refunds during a chargeback and allows them once it is won', async () => {
    const intentId = await paidIntent(1000);
    const { dispute } = stub().openDispute(intentId);

    const error = await rejectionOf(stripe().refunds.create({ payment_intent: intentId }));
    expect(error).toMatchObject({ statusCode: 400, code: 'charge_disputed' });
    expect(types(stub().updateDispute(dispute.id, 'under_review'))).toEqual([
      'charge.dispute.updated',
    ]);
    expect(thrownBy(() => stub().createRefund(intentId))).toMatchObject({
      code: 'charge_disputed',
    });

    expect(types(stub().updateDispute(dispute.id, 'won'))).toEqual([
      'charge.dispute.closed',
      'charge.dispute.funds_reinstated',
    ]);
    expect(stub().createRefund(intentId).refund.amount).toBe(1000);
  });

  it('a lost or won dispute cannot change, nor can a chargeback become an inquiry again', async () => {
    const lost = stub().openDispute(await paidIntent()).dispute;
    const won = stub().openDispute(await paidIntent()).dispute;

    expect(types(stub().updateDispute(lost.id, 'lost'))).toEqual(['charge.dispute.closed']);
    expect(types(stub().updateDispute(won.id, 'won'))).toEqual([
      'charge.dispute.closed',
      'charge.dispute.funds_reinstated',
    ]);

    const statuses = ['warning_under_review', 'warning_closed', 'needs_response'] as const;
    for (const status of [...statuses, 'under_review', 'won', 'lost'] as const) {
      expect(thrownBy(() => stub().updateDispute(lost.id, status))).toMatchObject({ status: 400 });
      expect(thrownBy(() => stub().updateDispute(won.id, status))).toMatchObject({ status: 400 });
    }
    const chargeback = stub().openDispute(await paidIntent()).dispute;
    for (const status of statuses) {
      expect(thrownBy(() => stub().updateDispute(chargeback.id, status))).toMatchObject({
        status: 400,
      });
    }
    await expect(stripe().disputes.retrieve(lost.id)).resolves.toMatchObject({ status: 'lost' });
    expect(thrownBy(() => stub().updateDispute('du_unknown', 'won'))).toMatchObject({
      status: 404,
    });
  });

  it('an inquiry withdraws nothing, allows refunds, and escalates on the same object even once closed', async () => {
    const intentId = await paidIntent(1_000);
    const { dispute, events } = stub().openDispute(intentId, { inquiry: true });
    expect(dispute).toMatchObject({ status: 'warning_needs_response', is_charge_refundable: true });
    expect(types(events)).toEqual(['charge.dispute.created']);
    await expect(
      stripe().refunds.create({ payment_intent: intentId, amount: 100 }),
    ).resolves.toMatchObject({ amount: 100 });

    expect(types(stub().updateDispute(dispute.id, 'warning_under_review'))).toEqual([
      'charge.dispute.updated',
    ]);
    expect(types(stub().updateDispute(dispute.id, 'warning_closed'))).toEqual([
      'charge.dispute.closed',
    ]);
    expect(types(stub().updateDispute(dispute.id, 'needs_response'))).toEqual([
      'charge.dispute.updated',
      'charge.dispute.funds_withdrawn',
    ]);
    const refused = await stripe()
      .refunds.create({ payment_intent: intentId, amount: 100 })
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({ statusCode: 400, code: 'charge_disputed' });
    await expect(stripe().disputes.retrieve(dispute.id)).resolves.toMatchObject({
      status: 'needs_response',
      is_charge_refundable: false,
    });
  });
});
