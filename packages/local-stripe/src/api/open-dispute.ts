import { DISPUTE_FEE } from './balance-transactions';
import {
  type Emission,
  emitting,
  type MoneyOutcome,
  type MoneyStore,
  type StripeStubDispute,
  type StripeStubDisputeStatus,
  type StripeStubDisputeUpdate,
} from './money-types';
import { randomId } from './random-id';
import { invalidRequest, noSuch } from './stripe-error';

/**
 * Where each status may go (https://docs.stripe.com/disputes/how-disputes-work, and the statuses of
 * https://docs.stripe.com/api/disputes/object#dispute_object-status): an inquiry
 * (`warning_needs_response` → `warning_under_review` → `warning_closed`) withdraws no funds and
 * "can escalate to a chargeback", on the same dispute object, even once closed; a chargeback
 * (`needs_response` → `under_review` → `won` | `lost`) ends won or lost.
 */
const NEXT_STATUSES: Readonly<Record<StripeStubDisputeStatus, readonly StripeStubDisputeStatus[]>> =
  {
    warning_needs_response: [
      'warning_under_review',
      'warning_closed',
      'needs_response',
      'under_review',
    ],
    warning_under_review: ['warning_closed', 'needs_response', 'under_review'],
    warning_closed: ['needs_response', 'under_review'],
    needs_response: ['under_review', 'won', 'lost'],
    under_review: ['won', 'lost'],
    won: [],
    lost: [],
  };

/** True while a dispute is an inquiry (no funds withdrawn, the charge still refundable). */
export function isInquiry(status: StripeStubDisputeStatus): boolean {
  return status.startsWith('warning_');
}

/**
 * A dispute on a succeeded charge (one per charge): a chargeback (`needs_response`; emits created,
 * funds_withdrawn) or, with `inquiry`, an inquiry (`warning_needs_response`; emits created only:
 * no funds are withdrawn).
 */
export function openDispute(
  store: MoneyStore,
  paymentIntentId: string,
  options: { amount?: number | undefined; inquiry?: boolean | undefined } = {},
): MoneyOutcome<StripeStubDispute> {
  const intent = store.paymentIntents.get(paymentIntentId);
  if (!intent) return noSuch('payment_intent', paymentIntentId);
  const charge = intent.latest_charge ? store.charges.get(intent.latest_charge) : undefined;
  if (charge?.status !== 'succeeded') {
    return invalidRequest(`PaymentIntent ${paymentIntentId} has no succeeded charge to dispute.`);
  }
  if (disputeOf(store, charge.id)) {
    return invalidRequest(`Charge ${charge.id} already has a dispute.`);
  }
  const disputed = options.amount ?? charge.amount;
  if (!Number.isSafeInteger(disputed) || disputed < 1 || disputed > charge.amount) {
    return invalidRequest(`A dispute amount must be 1 to ${charge.amount}, not ${disputed}.`, {
      param: 'amount',
    });
  }
  const dispute: StripeStubDispute = {
    id: randomId('du_', 24),
    object: 'dispute',
    amount: disputed,
    charge: charge.id,
    currency: charge.currency,
    payment_intent: intent.id,
    status: options.inquiry ? 'warning_needs_response' : 'needs_response',
    reason: 'fraudulent',
    metadata: {},
    created: store.nowSeconds(),
    is_charge_refundable: options.inquiry === true,
    balance_transactions: [],
    livemode: false,
  };
  store.disputes.set(dispute.id, dispute);
  charge.disputed = true;
  if (options.inquiry) return emitting(dispute, ['charge.dispute.created', dispute]);
  moveDisputedFunds(store, dispute, 'withdrawn');
  return emitting(
    dispute,
    ['charge.dispute.created', dispute],
    ['charge.dispute.funds_withdrawn', dispute],
  );
}

/**
 * Moves a dispute on along {@link NEXT_STATUSES}; won and lost are final. An inquiry that escalates
 * has its funds withdrawn then; a chargeback won has them reinstated.
 */
export function updateDispute(
  store: MoneyStore,
  id: string,
  status: StripeStubDisputeUpdate,
): MoneyOutcome<StripeStubDispute> {
  const dispute = store.disputes.get(id);
  if (!dispute) return noSuch('dispute', id);
  if (!NEXT_STATUSES[dispute.status].includes(status)) {
    return invalidRequest(
      `Dispute ${id} has status '${dispute.status}' and cannot become '${status}'.`,
    );
  }
  const escalates = isInquiry(dispute.status) && !isInquiry(status);
  dispute.status = status;
  dispute.is_charge_refundable = isInquiry(status);
  const closes = status === 'won' || status === 'lost' || status === 'warning_closed';
  const emitted: Emission[] = [
    { type: closes ? 'charge.dispute.closed' : 'charge.dispute.updated', object: dispute },
  ];
  if (escalates) {
    moveDisputedFunds(store, dispute, 'withdrawn');
    emitted.push({ type: 'charge.dispute.funds_withdrawn', object: dispute });
  }
  // Winning returns the withdrawn funds; losing keeps them withdrawn.
  if (status === 'won') {
    moveDisputedFunds(store, dispute, 'reinstated');
    emitted.push({ type: 'charge.dispute.funds_reinstated', object: dispute });
  }
  return { value: dispute, emitted };
}

/**
 * A chargeback takes the disputed amount and Stripe's dispute fee out of the platform's balance
 * in one Balance Transaction; a won one puts both back ("Stripe will also refund the network
 * dispute fee to you", https://support.stripe.com/questions/dispute-fees-faq; the fee's amount is
 * the US one of https://stripe.com/pricing for every currency here).
 */
function moveDisputedFunds(
  store: MoneyStore,
  dispute: StripeStubDispute,
  direction: 'withdrawn' | 'reinstated',
): void {
  const sign = direction === 'withdrawn' ? -1 : 1;
  const transaction = store.ledger.record({
    amount: sign * dispute.amount,
    currency: dispute.currency,
    // A fee returned is a negative fee, as on Stripe's reinstatement.
    fee: -sign * DISPUTE_FEE,
    type: 'adjustment',
    source: dispute.id,
    description: `Chargeback ${direction} (${dispute.id})`,
  });
  dispute.balance_transactions.push(transaction.id);
}

/** A charge's dispute (Stripe allows one per charge), or undefined. */
export function disputeOf(store: MoneyStore, chargeId: string): StripeStubDispute | undefined {
  return [...store.disputes.values()].find((dispute) => dispute.charge === chargeId);
}
