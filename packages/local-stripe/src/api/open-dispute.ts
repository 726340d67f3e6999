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

const CLOSED_DISPUTE: ReadonlyArray<StripeStubDisputeStatus> = ['won', 'lost', 'warning_closed'];

/** A chargeback on a succeeded charge (one per charge). Emits created, funds_withdrawn. */
export function openDispute(
  store: MoneyStore,
  paymentIntentId: string,
  amount?: number,
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
  const disputed = amount ?? charge.amount;
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
    status: 'needs_response',
    reason: 'fraudulent',
    metadata: {},
    created: store.nowSeconds(),
    is_charge_refundable: false,
    livemode: false,
  };
  store.disputes.set(dispute.id, dispute);
  charge.disputed = true;
  return emitting(
    dispute,
    ['charge.dispute.created', dispute],
    ['charge.dispute.funds_withdrawn', dispute],
  );
}

/** Moves an open dispute on; won, lost and warning_closed are final. */
export function updateDispute(
  store: MoneyStore,
  id: string,
  status: StripeStubDisputeUpdate,
): MoneyOutcome<StripeStubDispute> {
  const dispute = store.disputes.get(id);
  if (!dispute) return noSuch('dispute', id);
  if (CLOSED_DISPUTE.includes(dispute.status) || dispute.status === status) {
    return invalidRequest(
      `Dispute ${id} has status '${dispute.status}' and cannot become '${status}'.`,
    );
  }
  dispute.status = status;
  const emitted: Emission[] =
    status === 'under_review'
      ? [{ type: 'charge.dispute.updated', object: dispute }]
      : [{ type: 'charge.dispute.closed', object: dispute }];
  // Winning returns the withdrawn funds; losing keeps them withdrawn.
  if (status === 'won') {
    emitted.push({ type: 'charge.dispute.funds_reinstated', object: dispute });
  }
  return { value: dispute, emitted };
}

/** A charge's dispute (Stripe allows one per charge), or undefined. */
export function disputeOf(store: MoneyStore, chargeId: string): StripeStubDispute | undefined {
  return [...store.disputes.values()].find((dispute) => dispute.charge === chargeId);
}
