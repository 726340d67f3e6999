import type { BalanceLedger } from './balance-transactions';
import { creditCharge, readPaymentIntentParams, storePayment } from './create-payment-intent';
import { createRefund, updateRefund } from './create-refund';
import type {
  MoneyOutcome,
  MoneyStore,
  RefundRequest,
  StripeStubDispute,
  StripeStubDisputeUpdate,
  StripeStubPaymentIntent,
  StripeStubRefund,
  StripeStubRefundStatus,
} from './money-types';
import { disputeOf, openDispute, updateDispute } from './open-dispute';
import type { Params } from './read-params';
import { invalidRequest, isStripeFailure, noSuch, type StripeFailure } from './stripe-error';

/**
 * The money side of a sale on Stripe after checkout: PaymentIntents, Charges, Refunds and
 * Disputes, with the transitions Stripe allows (payments here, refunds in `create-refund.ts`,
 * disputes in `open-dispute.ts`). Pure state, no HTTP. Each transition returns the
 * events it emits (with live objects, to snapshot at once) or Stripe's refusal; it never throws.
 */
export function createMoneyObjects(nowSeconds: () => number, ledger: BalanceLedger) {
  const store: MoneyStore = {
    paymentIntents: new Map(),
    charges: new Map(),
    refunds: new Map(),
    disputes: new Map(),
    ledger,
    nowSeconds,
  };
  const { paymentIntents, charges, refunds, disputes } = store;

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
    disputeOf: (chargeId: string) => disputeOf(store, chargeId),
    /** Every refund, newest first (later created first within a second). */
    refundsNewestFirst: () => [...refunds.values()].reverse().sort((a, b) => b.created - a.created),

    /** A PaymentIntent and its Charge: succeeded for a card, processing/pending for a bank debit. */
    startPayment(payment: {
      amount: number;
      currency: string;
      metadata: Record<string, string>;
      isDelayed: boolean;
    }): StripeStubPaymentIntent {
      return storePayment(store, {
        amount: payment.amount,
        currency: payment.currency,
        metadata: payment.metadata,
        status: payment.isDelayed ? 'processing' : 'succeeded',
        captureMethod: 'automatic',
        paymentMethod: null,
        isBankDebit: payment.isDelayed,
      });
    },

    /** `POST /v1/payment_intents`: a payment confirmed with a test card, authorised or not yet paid. */
    createPaymentIntent(params: Params): StripeStubPaymentIntent | StripeFailure {
      const payment = readPaymentIntentParams(params);
      return isStripeFailure(payment) ? payment : structuredClone(storePayment(store, payment));
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
        creditCharge(store, charge);
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
    createRefund: (request: RefundRequest): MoneyOutcome<StripeStubRefund> =>
      createRefund(store, request),
    /** pending → succeeded | failed | canceled, succeeded → failed; failed and canceled are final. */
    updateRefund: (id: string, status: StripeStubRefundStatus): MoneyOutcome<StripeStubRefund> =>
      updateRefund(store, id, status),
    /** A chargeback (or, with `inquiry`, an inquiry) on a succeeded charge, one per charge. */
    openDispute: (
      paymentIntentId: string,
      options: { amount?: number | undefined; inquiry?: boolean | undefined } = {},
    ): MoneyOutcome<StripeStubDispute> => openDispute(store, paymentIntentId, options),
    /** Moves a dispute on (an inquiry may escalate to a chargeback); won and lost are final. */
    updateDispute: (id: string, status: StripeStubDisputeUpdate): MoneyOutcome<StripeStubDispute> =>
      updateDispute(store, id, status),

    reset(): void {
      for (const map of [paymentIntents, charges, refunds, disputes]) map.clear();
    },
  };
}

/** The stub's money state; see {@link createMoneyObjects}. */
export type MoneyObjects = ReturnType<typeof createMoneyObjects>;
