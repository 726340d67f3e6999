import type {
  Emission,
  MoneyOutcome,
  RefundRequest,
  StripeStubCharge,
  StripeStubDispute,
  StripeStubDisputeStatus,
  StripeStubDisputeUpdate,
  StripeStubPaymentIntent,
  StripeStubRefund,
  StripeStubRefundStatus,
} from './money-types';
import { randomId } from './random-id';
import { invalidRequest, noSuch, type StripeFailure } from './stripe-error';

const REFUND_TRANSITIONS: Record<StripeStubRefundStatus, StripeStubRefundStatus[]> = {
  pending: ['succeeded', 'failed', 'canceled'],
  // Stripe lets a succeeded refund fail later (the card was closed, the bank returned it).
  succeeded: ['failed'],
  failed: [],
  canceled: [],
};
const CLOSED_DISPUTE: ReadonlyArray<StripeStubDisputeStatus> = ['won', 'lost', 'warning_closed'];
const REFUND_FAILURE_REASON = 'expired_or_canceled_card';

/**
 * The money side of a sale on Stripe after checkout: PaymentIntents, Charges, Refunds and
 * Disputes, with the transitions Stripe allows. Pure state, no HTTP. Each transition returns the
 * events it emits (with live objects, to snapshot at once) or Stripe's refusal; it never throws.
 */
export function createMoneyObjects(nowSeconds: () => number) {
  const paymentIntents = new Map<string, StripeStubPaymentIntent>();
  const charges = new Map<string, StripeStubCharge>();
  const refunds = new Map<string, StripeStubRefund>();
  const disputes = new Map<string, StripeStubDispute>();

  /** The succeeded charge a refund names (directly or through its PaymentIntent), or why not. */
  function refundableCharge({
    paymentIntentId,
    chargeId,
  }: RefundRequest): StripeStubCharge | StripeFailure {
    if (chargeId !== undefined) {
      const charge = charges.get(chargeId);
      if (!charge) return noSuch('charge', chargeId);
      if (charge.status === 'succeeded') return charge;
      return invalidRequest(`Charge ${chargeId} has not succeeded; it cannot be refunded.`);
    }
    if (paymentIntentId === undefined) {
      return invalidRequest(
        'You must pass exactly one of these parameters: charge, payment_intent.',
      );
    }
    const intent = paymentIntents.get(paymentIntentId);
    if (!intent) return noSuch('payment_intent', paymentIntentId);
    const charge = intent.latest_charge === null ? undefined : charges.get(intent.latest_charge);
    if (charge?.status === 'succeeded') return charge;
    return invalidRequest('This PaymentIntent does not have a successful charge to refund.', {
      param: 'payment_intent',
    });
  }

  function disputeOf(charge: StripeStubCharge): StripeStubDispute | undefined {
    return [...disputes.values()].find((dispute) => dispute.charge === charge.id);
  }

  function changeRefunded(charge: StripeStubCharge, delta: number): void {
    charge.amount_refunded += delta;
    charge.refunded = charge.amount_refunded === charge.amount;
  }

  return {
    paymentIntent: (id: string) => paymentIntents.get(id),
    charge: (id: string) => charges.get(id),
    refund: (id: string) => refunds.get(id),
    dispute: (id: string) => disputes.get(id),
    /** A charge's refunds, newest first. */
    refundsOf: (chargeId: string) =>
      [...refunds.values()]
        .reverse()
        .filter((refund) => refund.charge === chargeId)
        .sort((a, b) => b.created - a.created),
    /** A charge's dispute (Stripe allows one per charge). */
    disputeOf: (chargeId: string) =>
      [...disputes.values()].find((dispute) => dispute.charge === chargeId),
    /** Every refund, newest first (later created first within a second). */
    refundsNewestFirst: () => [...refunds.values()].reverse().sort((a, b) => b.created - a.created),

    /** A PaymentIntent and its Charge: succeeded for a card, processing/pending for a bank debit. */
    startPayment(payment: {
      amount: number;
      currency: string;
      metadata: Record<string, string>;
      isDelayed: boolean;
    }): StripeStubPaymentIntent {
      const { amount, currency, isDelayed } = payment;
      const created = nowSeconds();
      const id = randomId('pi_', 24);
      const charge: StripeStubCharge = {
        id: randomId('ch_', 24),
        object: 'charge',
        amount,
        amount_captured: amount,
        amount_refunded: 0,
        captured: true,
        currency,
        status: isDelayed ? 'pending' : 'succeeded',
        paid: !isDelayed,
        refunded: false,
        disputed: false,
        payment_intent: id,
        metadata: {},
        failure_code: null,
        failure_message: null,
        created,
        livemode: false,
      };
      const intent: StripeStubPaymentIntent = {
        id,
        object: 'payment_intent',
        amount,
        amount_received: isDelayed ? 0 : amount,
        currency,
        status: isDelayed ? 'processing' : 'succeeded',
        metadata: { ...payment.metadata },
        latest_charge: charge.id,
        last_payment_error: null,
        created,
        livemode: false,
      };
      charges.set(charge.id, charge);
      paymentIntents.set(id, intent);
      return intent;
    },

    /** Ends a processing payment: succeeded, or failed as a bank debit fails. */
    settlePayment(
      paymentIntentId: string,
      outcome: 'succeeded' | 'failed',
    ): StripeStubPaymentIntent | StripeFailure {
      const intent = paymentIntents.get(paymentIntentId);
      const charge = intent?.latest_charge ? charges.get(intent.latest_charge) : undefined;
      if (!intent || !charge) return noSuch('payment_intent', paymentIntentId);
      if (intent.status !== 'processing') {
        return invalidRequest(
          `PaymentIntent ${intent.id} has status '${intent.status}'; only a processing payment can settle.`,
        );
      }
      if (outcome === 'succeeded') {
        Object.assign(intent, { status: 'succeeded', amount_received: intent.amount });
        Object.assign(charge, { status: 'succeeded', paid: true });
        return intent;
      }
      intent.status = 'requires_payment_method';
      intent.last_payment_error = {
        type: 'invalid_request_error',
        code: 'payment_intent_payment_attempt_failed',
        message: 'The payment failed.',
        doc_url: 'https://stripe.com/docs/error-codes/payment-intent-payment-attempt-failed',
      };
      Object.assign(charge, {
        status: 'failed',
        failure_code: 'insufficient_funds',
        failure_message: "The customer's account has insufficient funds to cover this payment.",
      });
      return intent;
    },

    /** Refunds a succeeded charge, within what is left of it. Emits refund.created, charge.refunded. */
    createRefund(request: RefundRequest): MoneyOutcome<StripeStubRefund> {
      const charge = refundableCharge(request);
      if ('error' in charge) return charge;
      const dispute = disputeOf(charge);
      // A chargeback holds the funds: refunds wait until it is won (or was only an inquiry).
      if (dispute && dispute.status !== 'won' && dispute.status !== 'warning_closed') {
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
        const format = (value: number) => formatAmount(value, charge.currency);
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
        created: nowSeconds(),
        failure_reason: null,
      };
      refunds.set(refund.id, refund);
      changeRefunded(charge, amount);
      return {
        value: refund,
        emitted: [
          { type: 'refund.created', object: refund },
          { type: 'charge.refunded', object: charge },
        ],
      };
    },

    /** pending → succeeded | failed | canceled, succeeded → failed; failed and canceled are final. */
    updateRefund(id: string, status: StripeStubRefundStatus): MoneyOutcome<StripeStubRefund> {
      const refund = refunds.get(id);
      const charge = refund && charges.get(refund.charge);
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
      // A failed or canceled refund stops counting against the charge.
      changeRefunded(charge, -refund.amount);
      if (status === 'canceled') return { value: refund, emitted: updated };
      refund.failure_reason = REFUND_FAILURE_REASON;
      return { value: refund, emitted: [{ type: 'refund.failed', object: refund }, ...updated] };
    },

    /** A chargeback on a succeeded charge (one per charge). Emits created, funds_withdrawn. */
    openDispute(paymentIntentId: string, amount?: number): MoneyOutcome<StripeStubDispute> {
      const intent = paymentIntents.get(paymentIntentId);
      if (!intent) return noSuch('payment_intent', paymentIntentId);
      const charge = intent.latest_charge ? charges.get(intent.latest_charge) : undefined;
      if (charge?.status !== 'succeeded') {
        return invalidRequest(
          `PaymentIntent ${paymentIntentId} has no succeeded charge to dispute.`,
        );
      }
      if (disputeOf(charge)) return invalidRequest(`Charge ${charge.id} already has a dispute.`);
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
        created: nowSeconds(),
        is_charge_refundable: false,
        livemode: false,
      };
      disputes.set(dispute.id, dispute);
      charge.disputed = true;
      return {
        value: dispute,
        emitted: [
          { type: 'charge.dispute.created', object: dispute },
          { type: 'charge.dispute.funds_withdrawn', object: dispute },
        ],
      };
    },

    /** Moves an open dispute on; won, lost and warning_closed are final. */
    updateDispute(id: string, status: StripeStubDisputeUpdate): MoneyOutcome<StripeStubDispute> {
      const dispute = disputes.get(id);
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
    },

    reset(): void {
      for (const map of [paymentIntents, charges, refunds, disputes]) map.clear();
    },
  };
}

/** The stub's money state; see {@link createMoneyObjects}. */
export type MoneyObjects = ReturnType<typeof createMoneyObjects>;

/** An amount in minor units as Stripe writes it in messages, e.g. `$12.50`, `€3.00`, `¥500`. */
function formatAmount(amount: number, currency: string): string {
  const format = new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: currency.toUpperCase(),
  });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits);
}
