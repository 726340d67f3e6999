import { type StripeStub, startStripeStub } from '@codex/local-stripe';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStripeFinalState } from './read-stripe-final-state';

// The soak's oracle, against the stand-in's own objects: what Stripe's final state implies.

let stub: StripeStub;
let stripe: Stripe;

beforeAll(async () => {
  stub = await startStripeStub();
  stripe = new Stripe('sk_test_soak_oracle', {
    host: stub.host,
    port: stub.port,
    protocol: 'http',
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: 0,
  });
});

afterAll(() => stub.close());

/** A session for 1,000 cents, paid `how`; returns its id and payment intent. */
async function paidSession(how: 'card' | 'delayed_failed' | 'unpaid' = 'card') {
  const session = await stripe.checkout.sessions.create({
    mode: 'payment',
    success_url: 'https://codex.test/success',
    cancel_url: 'https://codex.test/cancel',
    line_items: [
      {
        quantity: 1,
        price_data: { currency: 'usd', unit_amount: 1_000, product_data: { name: 'A' } },
      },
    ],
  });
  if (how !== 'unpaid') {
    stub.payCheckoutSession(session.id, { method: how === 'card' ? 'card' : 'delayed' });
    if (how === 'delayed_failed') stub.settleDelayedPayment(session.id, 'failed');
  }
  return {
    sessionId: session.id,
    paymentIntent: String(stub.getSession(session.id)?.payment_intent),
  };
}

const finalState = (sessionId: string) =>
  readStripeFinalState(stub.listPayments().find((payment) => payment.session.id === sessionId));

describe('readStripeFinalState', () => {
  it('grants nothing for a session never paid, or a bank debit that failed', async () => {
    for (const how of ['unpaid', 'delayed_failed'] as const) {
      const { sessionId } = await paidSession(how);
      expect(finalState(sessionId)).toMatchObject({
        paid: false,
        refundedCents: 0,
        disputeStatus: null,
        hasAccess: false,
      });
    }
    expect(readStripeFinalState(undefined)).toMatchObject({ paid: false, hasAccess: false });
  });

  it('grants access to a payment, and keeps it through a partial refund', async () => {
    const { sessionId, paymentIntent } = await paidSession();
    expect(finalState(sessionId)).toMatchObject({
      paid: true,
      chargedCents: 1_000,
      hasAccess: true,
      mayLackConfirmation: false,
    });
    stub.createRefund(paymentIntent, { amount: 400 });
    expect(finalState(sessionId)).toMatchObject({
      refundedCents: 400,
      refundEndsAccess: false,
      hasAccess: true,
    });
  });

  it('ends access at a full refund, unless every refund was issued to keep it', async () => {
    const revoked = await paidSession();
    stub.createRefund(revoked.paymentIntent, { amount: 600 });
    stub.createRefund(revoked.paymentIntent, { status: 'pending' });
    expect(finalState(revoked.sessionId)).toMatchObject({
      refundedCents: 1_000,
      refundEndsAccess: true,
      hasAccess: false,
      mayLackConfirmation: true,
    });

    const kept = await paidSession();
    await stripe.refunds.create({
      payment_intent: kept.paymentIntent,
      metadata: { revokeAccess: 'false' },
    });
    expect(finalState(kept.sessionId)).toMatchObject({
      refundedCents: 1_000,
      refundEndsAccess: false,
      hasAccess: true,
      mayLackConfirmation: false,
    });
  });

  it('gives access back when a full refund fails, but knows the money was taken back once', async () => {
    const { sessionId, paymentIntent } = await paidSession();
    const { refund } = stub.createRefund(paymentIntent, { status: 'pending' });
    stub.updateRefund(refund.id, 'failed');
    expect(finalState(sessionId)).toMatchObject({
      refundedCents: 0,
      hasAccess: true,
      mayLackConfirmation: true,
    });
  });

  it('suspends access while a dispute is open, restores it when won, ends it when lost', async () => {
    const won = await paidSession();
    const { dispute } = stub.openDispute(won.paymentIntent);
    expect(finalState(won.sessionId)).toMatchObject({ disputeStatus: 'open', hasAccess: false });
    stub.updateDispute(dispute.id, 'won');
    expect(finalState(won.sessionId)).toMatchObject({ disputeStatus: 'won', hasAccess: true });

    const lost = await paidSession();
    stub.updateDispute(stub.openDispute(lost.paymentIntent).dispute.id, 'lost');
    expect(finalState(lost.sessionId)).toMatchObject({
      disputeStatus: 'lost',
      hasAccess: false,
      mayLackConfirmation: true,
    });
  });
});
