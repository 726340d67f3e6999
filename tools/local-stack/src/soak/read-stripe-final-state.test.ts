import { describe, expect, it } from 'vitest';
import { readStripeFinalState } from './read-stripe-final-state';
import { openSession, useStandInStripe } from './testing/stand-in-stripe';

// The soak's oracle, against the stand-in's own objects: what Stripe's final state implies.

const standIn = useStandInStripe();

/** A session for 1,000 cents, paid `how`; returns its id and payment intent. */
async function paidSession(how: 'card' | 'delayed_failed' | 'unpaid' = 'card') {
  const stub = standIn.stub();
  const sessionId = await openSession(standIn.stripe(), 1_000);
  if (how !== 'unpaid') {
    stub.payCheckoutSession(sessionId, { method: how === 'card' ? 'card' : 'delayed' });
    if (how === 'delayed_failed') stub.settleDelayedPayment(sessionId, 'failed');
  }
  return { sessionId, paymentIntent: String(stub.getSession(sessionId)?.payment_intent) };
}

const finalState = (sessionId: string) =>
  readStripeFinalState(
    standIn
      .stub()
      .listPayments()
      .find((payment) => payment.session.id === sessionId),
  );

describe('readStripeFinalState', () => {
  const stub = () => standIn.stub();
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
    stub().createRefund(paymentIntent, { amount: 400 });
    expect(finalState(sessionId)).toMatchObject({
      refundedCents: 400,
      refundEndsAccess: false,
      hasAccess: true,
    });
  });

  it('ends access at a full refund, unless a platform refund issued to keep it decides', async () => {
    const revoked = await paidSession();
    stub().createRefund(revoked.paymentIntent, { amount: 600 });
    stub().createRefund(revoked.paymentIntent, { status: 'pending' });
    expect(finalState(revoked.sessionId)).toMatchObject({
      refundedCents: 1_000,
      refundEndsAccess: true,
      hasAccess: false,
      mayLackConfirmation: true,
    });

    const kept = await paidSession();
    await standIn.stripe().refunds.create({
      payment_intent: kept.paymentIntent,
      metadata: { refundRequestId: 'req_0', revokeAccess: 'false' },
    });
    expect(finalState(kept.sessionId)).toMatchObject({
      refundedCents: 1_000,
      refundEndsAccess: false,
      hasAccess: true,
      mayLackConfirmation: false,
    });
  });

  it('gives access back when a full refund fails, and then expects the confirmation', async () => {
    const { sessionId, paymentIntent } = await paidSession();
    const { refund } = stub().createRefund(paymentIntent, { status: 'pending' });
    stub().updateRefund(refund.id, 'failed');
    expect(finalState(sessionId)).toMatchObject({
      refundedCents: 0,
      hasAccess: true,
      mayLackConfirmation: false,
    });
  });

  it('lets the most recent platform refund decide a full refund; a Dashboard refund never does (decision 021)', async () => {
    const keep = { refundRequestId: 'req_1', revokeAccess: 'false' };
    const kept = await paidSession();
    await standIn.stripe().refunds.create({
      payment_intent: kept.paymentIntent,
      amount: 600,
      metadata: keep,
    });
    stub().createRefund(kept.paymentIntent, { amount: 400 });
    expect(finalState(kept.sessionId)).toMatchObject({ refundEndsAccess: false, hasAccess: true });

    const revoked = await paidSession();
    await standIn.stripe().refunds.create({
      payment_intent: revoked.paymentIntent,
      amount: 600,
      metadata: keep,
    });
    await standIn.stripe().refunds.create({
      payment_intent: revoked.paymentIntent,
      metadata: { refundRequestId: 'req_2', revokeAccess: 'true' },
    });
    expect(finalState(revoked.sessionId)).toMatchObject({ refundEndsAccess: true });
  });

  it('ignores an inquiry, until it escalates to a chargeback', async () => {
    const { sessionId, paymentIntent } = await paidSession();
    const { dispute } = stub().openDispute(paymentIntent, { inquiry: true });
    expect(finalState(sessionId)).toMatchObject({ disputeStatus: null, hasAccess: true });
    stub().updateDispute(dispute.id, 'needs_response');
    expect(finalState(sessionId)).toMatchObject({ disputeStatus: 'open', hasAccess: false });
  });

  it('suspends access while a dispute is open, restores it when won, ends it when lost', async () => {
    const won = await paidSession();
    const { dispute } = stub().openDispute(won.paymentIntent);
    expect(finalState(won.sessionId)).toMatchObject({
      disputeStatus: 'open',
      hasAccess: false,
      mayLackConfirmation: true,
    });
    stub().updateDispute(dispute.id, 'won');
    expect(finalState(won.sessionId)).toMatchObject({ disputeStatus: 'won', hasAccess: true });

    const lost = await paidSession();
    stub().updateDispute(stub().openDispute(lost.paymentIntent).dispute.id, 'lost');
    expect(finalState(lost.sessionId)).toMatchObject({
      disputeStatus: 'lost',
      hasAccess: false,
      mayLackConfirmation: true,
    });
  });
});
