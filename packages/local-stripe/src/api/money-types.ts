import type { BalanceLedger } from './balance-transactions';
import type { StripeFailure } from './stripe-error';

/** A PaymentIntent as the stub stores and serves it. */
export type StripeStubPaymentIntent = {
  id: string;
  object: 'payment_intent';
  amount: number;
  /** What a manual capture may still take (`requires_capture`); 0 otherwise. */
  amount_capturable: number;
  amount_received: number;
  currency: string;
  /**
   * `requires_payment_method` is what Stripe shows after a failed attempt (or before any);
   * `requires_confirmation` a PaymentIntent created with a payment method but not confirmed;
   * `requires_capture` an authorised payment awaiting a manual capture.
   */
  status:
    | 'processing'
    | 'succeeded'
    | 'requires_payment_method'
    | 'requires_confirmation'
    | 'requires_capture';
  capture_method: 'automatic' | 'automatic_async' | 'manual';
  /** The `pm_…` id paid with (`POST /v1/payment_intents`); null for a Checkout payment here. */
  payment_method: string | null;
  metadata: Record<string, string>;
  latest_charge: string | null;
  last_payment_error: { type: string; code: string; message: string; doc_url: string } | null;
  created: number;
  livemode: false;
};

/** A Charge as the stub stores and serves it (without `refunds`, as since API 2022-11-15). */
export type StripeStubCharge = {
  id: string;
  object: 'charge';
  amount: number;
  /** 0 until captured (an authorisation awaiting a manual capture). */
  amount_captured: number;
  /** Counts pending and succeeded refunds, as on Stripe. */
  amount_refunded: number;
  captured: boolean;
  currency: string;
  status: 'pending' | 'succeeded' | 'failed';
  paid: boolean;
  refunded: boolean;
  disputed: boolean;
  payment_intent: string;
  metadata: Record<string, string>;
  failure_code: string | null;
  failure_message: string | null;
  /**
   * "This is the URL to view the receipt for this charge. The receipt is kept up-to-date to the
   * latest state of the charge, including any refunds." (Stripe's API reference, the Charge
   * object; `https://pay.stripe.com/receipts/payment/…`). A bearer link: never log it.
   */
  receipt_url: string | null;
  /** The `txn_…` that put the payment, less Stripe's fee, in the platform's balance; null until it succeeds. */
  balance_transaction: string | null;
  /** How it was paid: a card, or a bank debit (`us_bank_account`), which prices the fee. */
  payment_method_details: { type: 'card' | 'us_bank_account' };
  created: number;
  livemode: false;
};

export type StripeStubRefundStatus = 'pending' | 'succeeded' | 'failed' | 'canceled';

/** A Refund as the stub stores and serves it. */
export type StripeStubRefund = {
  id: string;
  object: 'refund';
  amount: number;
  charge: string;
  currency: string;
  payment_intent: string;
  status: StripeStubRefundStatus;
  metadata: Record<string, string>;
  reason: 'duplicate' | 'fraudulent' | 'requested_by_customer' | null;
  /** The `txn_…` that took the refund out of the platform's balance. */
  balance_transaction: string | null;
  created: number;
  failure_reason: string | null;
};

/** An inquiry's (`warning_*`) and a chargeback's statuses (Stripe's `prevented` is not played). */
export type StripeStubDisputeStatus =
  | 'warning_needs_response'
  | 'warning_under_review'
  | 'warning_closed'
  | 'needs_response'
  | 'under_review'
  | 'won'
  | 'lost';

/**
 * What a dispute can move to: an inquiry under review or closed, escalated to a chargeback
 * (`needs_response`, `under_review`), a chargeback under review, won or lost.
 */
export type StripeStubDisputeUpdate = Exclude<StripeStubDisputeStatus, 'warning_needs_response'>;

/** A Dispute as the stub stores and serves it. */
export type StripeStubDispute = {
  id: string;
  object: 'dispute';
  amount: number;
  charge: string;
  currency: string;
  payment_intent: string;
  status: StripeStubDisputeStatus;
  reason: 'fraudulent';
  metadata: Record<string, string>;
  created: number;
  is_charge_refundable: boolean;
  /** The `txn_…` of the funds withdrawn (amount and dispute fee) and, once won, reinstated. */
  balance_transactions: string[];
  livemode: false;
};

/** An event to emit: its type and the live object, which the caller snapshots at once. */
export interface Emission {
  type: string;
  object: object;
  /** The connected account the event is about (`acct_…`); absent for the platform's own events. */
  account?: string;
  /** `data.previous_attributes`: the changed fields' earlier values (e.g. of `account.updated`). */
  previousAttributes?: Record<string, unknown>;
}

/** A changed object and the events the change emits, in order. */
export type MoneyOutcome<T> = { value: T; emitted: Emission[] } | StripeFailure;

/** A changed object and the events its change emits, given in order as `[type, object]` pairs. */
export function emitting<T>(
  value: T,
  ...events: Array<[type: string, object: object]>
): { value: T; emitted: Emission[] } {
  return { value, emitted: events.map(([type, object]) => ({ type, object })) };
}

/** What a refund is asked for: a PaymentIntent or a Charge, and what the API or a test gives. */
export interface RefundRequest {
  paymentIntentId?: string;
  chargeId?: string;
  /** Default: what is left to refund on the charge. */
  amount?: number;
  status: 'pending' | 'succeeded';
  metadata?: Record<string, string>;
  reason?: StripeStubRefund['reason'];
}

/** Where the money objects are kept; the transitions of payments, refunds and disputes share it. */
export interface MoneyStore {
  paymentIntents: Map<string, StripeStubPaymentIntent>;
  charges: Map<string, StripeStubCharge>;
  refunds: Map<string, StripeStubRefund>;
  disputes: Map<string, StripeStubDispute>;
  /** The balances the money moves. */
  ledger: BalanceLedger;
  /** The clock in unix seconds, stamped as `created`. */
  nowSeconds: () => number;
}
