import { formatMoney } from './format-money';
import {
  emitting,
  type MoneyOutcome,
  type MoneyStore,
  type RefundRequest,
  type StripeStubCharge,
  type StripeStubRefund,
  type StripeStubRefundStatus,
} from './money-types';
import { disputeOf, isInquiry } from './open-dispute';
import { randomId } from './random-id';
import { invalidRequest, noSuch, type StripeFailure } from './stripe-error';

const REFUND_TRANSITIONS: Record<StripeStubRefundStatus, StripeStubRefundStatus[]> = {
  pending: ['succeeded', 'failed', 'canceled'],
  // Stripe lets a succeeded refund fail later (the card was closed, the bank returned it).
  succeeded: ['failed'],
  failed: [],
  canceled: [],
};
const REFUND_FAILURE_REASON = 'expired_or_canceled_card';

/** Refunds a succeeded charge, within what is left of it. Emits refund.created, charge.refunded. */
export function createRefund(
  store: MoneyStore,
  request: RefundRequest,
): MoneyOutcome<StripeStubRefund> {
  const charge = refundableCharge(store, request);
  if ('error' in charge) return charge;
  const dispute = disputeOf(store, charge.id);
  // A chargeback holds the funds: refunds wait until it is won. An inquiry withdraws nothing and
  // "the payment it relates to can still be refunded" (https://docs.stripe.com/disputes/how-disputes-work).
  if (dispute && dispute.status !== 'won' && !isInquiry(dispute.status)) {
    return invalidRequest(`Charge ${charge.id} has been charged back; cannot issue a refund.`, {
      code: 'charge_disputed',
    });
  }
  const remaining = charge.amount - charge.amount_refunded;
  if (remaining === 0) {
    return invalidRequest(`Charge ${charge.id} has already been refunded.`, {
      code: 'charge_already_refunded',
    });
  }
  const amount = request.amount ?? remaining;
  if (!Number.isSafeInteger(amount) || amount < 1) {
    return invalidRequest(`Invalid positive integer: ${amount}`, { param: 'amount' });
  }
  if (amount > remaining) {
    const format = (value: number) => formatMoney(value, charge.currency);
    return invalidRequest(
      `Refund amount (${format(amount)}) is greater than unrefunded amount on charge (${format(remaining)})`,
      { code: 'amount_too_large', param: 'amount' },
    );
  }
  const refund: StripeStubRefund = {
    id: randomId('re_', 24),
    object: 'refund',
    amount,
    charge: charge.id,
    currency: charge.currency,
    payment_intent: charge.payment_intent,
    status: request.status,
    metadata: { ...request.metadata },
    reason: request.reason ?? null,
    balance_transaction: null,
    created: store.nowSeconds(),
    failure_reason: null,
  };
  // The refund leaves the platform's balance when it is created, pending or not; Stripe keeps
  // the original charge's processing fee (https://docs.stripe.com/refunds#fees).
  refund.balance_transaction = store.ledger.record({
    amount: -amount,
    currency: charge.currency,
    type: 'refund',
    source: refund.id,
  }).id;
  store.refunds.set(refund.id, refund);
  changeRefunded(charge, amount);
  return emitting(refund, ['refund.created', refund], ['charge.refunded', charge]);
}

/** pending → succeeded | failed | canceled, succeeded → failed; failed and canceled are final. */
export function updateRefund(
  store: MoneyStore,
  id: string,
  status: StripeStubRefundStatus,
): MoneyOutcome<StripeStubRefund> {
  const refund = store.refunds.get(id);
  const charge = refund && store.charges.get(refund.charge);
  if (!refund || !charge) return noSuch('refund', id);
  if (!REFUND_TRANSITIONS[refund.status].includes(status)) {
    return invalidRequest(
      `Refund ${id} has status '${refund.status}' and cannot become '${status}'.`,
    );
  }
  refund.status = status;
  const updated = [
    { type: 'refund.updated', object: refund },
    { type: 'charge.refund.updated', object: refund },
  ];
  if (status === 'succeeded') return { value: refund, emitted: updated };
  // A failed or canceled refund stops counting against the charge; its money comes back.
  changeRefunded(charge, -refund.amount);
  store.ledger.record({
    amount: refund.amount,
    currency: refund.currency,
    type: 'refund_failure',
    source: refund.id,
  });
  if (status === 'canceled') return { value: refund, emitted: updated };
  refund.failure_reason = REFUND_FAILURE_REASON;
  return { value: refund, emitted: [{ type: 'refund.failed', object: refund }, ...updated] };
}

/**
 * The succeeded, captured charge a refund names (directly or through its PaymentIntent), or why
 * not: Stripe refunds only what was charged (https://docs.stripe.com/refunds). A failed or still
 * pending payment has nothing to refund; an authorisation awaiting a manual capture is released
 * by canceling its PaymentIntent, not refunded
 * (https://docs.stripe.com/api/payment_intents/cancel). Stripe's wording of these refusals is not
 * documented: the stand-in's is its own, with the parameter named.
 */
function refundableCharge(
  { paymentIntents, charges }: MoneyStore,
  { paymentIntentId, chargeId }: RefundRequest,
): StripeStubCharge | StripeFailure {
  if (chargeId !== undefined) {
    const charge = charges.get(chargeId);
    if (!charge) return noSuch('charge', chargeId);
    if (charge.status !== 'succeeded') {
      return invalidRequest(`Charge ${chargeId} has not succeeded; it cannot be refunded.`, {
        param: 'charge',
      });
    }
    if (!charge.captured) {
      return invalidRequest(
        `Charge ${chargeId} has not been captured; cancel its PaymentIntent to release it.`,
        { param: 'charge' },
      );
    }
    return charge;
  }
  if (paymentIntentId === undefined) {
    return invalidRequest('You must pass exactly one of these parameters: charge, payment_intent.');
  }
  const intent = paymentIntents.get(paymentIntentId);
  if (!intent) return noSuch('payment_intent', paymentIntentId);
  if (intent.status === 'requires_capture') {
    return invalidRequest(
      `PaymentIntent ${paymentIntentId} has not been captured; cancel it to release the authorisation.`,
      { param: 'payment_intent' },
    );
  }
  const charge = intent.latest_charge === null ? undefined : charges.get(intent.latest_charge);
  if (charge?.status === 'succeeded' && charge.captured) return charge;
  return invalidRequest('This PaymentIntent does not have a successful charge to refund.', {
    param: 'payment_intent',
  });
}

function changeRefunded(charge: StripeStubCharge, delta: number): void {
  charge.amount_refunded += delta;
  charge.refunded = charge.amount_refunded === charge.amount;
}
