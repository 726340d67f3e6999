import { stripeFee } from './balance-transactions';
import { refuseUnchargeableAmount } from './minimum-charge';
import type { MoneyStore, StripeStubCharge, StripeStubPaymentIntent } from './money-types';
import { randomId } from './random-id';
import { readMetadata } from './read-metadata';
import {
  integerAtLeast,
  oneOf,
  type Params,
  readBoolean,
  readEnum,
  readObject,
  readParams,
  readString,
  rejectUnknownParams,
} from './read-params';
import { invalidRequest, isStripeFailure, missingParam, type StripeFailure } from './stripe-error';

/** A payment to record: a PaymentIntent and, once confirmed, its Charge. */
export interface PaymentRecord {
  amount: number;
  currency: string;
  metadata: Record<string, string>;
  status: StripeStubPaymentIntent['status'];
  captureMethod: StripeStubPaymentIntent['capture_method'];
  paymentMethod: string | null;
  /** A bank debit (priced as one) rather than a card. Default false. */
  isBankDebit?: boolean;
}

const PARAMS = [
  'amount',
  'automatic_payment_methods',
  'capture_method',
  'confirm',
  'currency',
  'description',
  'expand',
  'metadata',
  'payment_method',
  'return_url',
];
const CAPTURE_METHODS = ['automatic', 'automatic_async', 'manual'] as const;
/** Stripe's test PaymentMethods that succeed (https://docs.stripe.com/testing#cards). */
const SUCCEEDING_TEST_METHODS = ['pm_card_visa', 'pm_card_mastercard', 'pm_card_amex'];

/**
 * `POST /v1/payment_intents` as far as a test needs a paid (or authorised) payment to refund:
 * `amount` (at least the currency's minimum charge, https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts),
 * `currency`, `metadata`, `capture_method`, and `confirm` with one of Stripe's test PaymentMethods
 * (`pm_card_visa`, …). Confirming with `automatic_payment_methods[enabled]` needs a `return_url`
 * unless `automatic_payment_methods[allow_redirects]=never`
 * (https://docs.stripe.com/api/payment_intents/create#create_payment_intent-return_url; the
 * stand-in's wording of that refusal is its own). Returns what to record or Stripe's refusal.
 */
export function readPaymentIntentParams(params: Params): PaymentRecord | StripeFailure {
  const refused = rejectUnknownParams(params, PARAMS);
  if (refused) return refused;
  const read = readParams(params, {
    amount: integerAtLeast(1),
    currency: readString,
    metadata: readMetadata,
    capture_method: oneOf(CAPTURE_METHODS),
    confirm: readBoolean,
    payment_method: readString,
    automatic_payment_methods: readRedirects,
    return_url: readString,
  });
  if (isStripeFailure(read)) return read;
  const { amount, currency, confirm, payment_method: paymentMethod } = read;
  if (amount === undefined) return missingParam('amount');
  if (currency === undefined) return missingParam('currency');
  if (!/^[a-z]{3}$/i.test(currency)) {
    return invalidRequest(`Invalid currency: ${currency}`, { param: 'currency' });
  }
  const unchargeable = refuseUnchargeableAmount(amount, currency.toLowerCase(), {
    payment_intent: 'amount',
  });
  if (unchargeable) return unchargeable;
  if (paymentMethod !== undefined && !SUCCEEDING_TEST_METHODS.includes(paymentMethod)) {
    return invalidRequest(`No such PaymentMethod: '${paymentMethod}'`, {
      code: 'resource_missing',
      param: 'payment_method',
    });
  }
  const redirects = read.automatic_payment_methods;
  if (confirm === true) {
    if (paymentMethod === undefined) {
      return invalidRequest(
        'You cannot confirm this PaymentIntent because it’s missing a payment method. Update the PaymentIntent with a payment method and then confirm it again.',
        { code: 'payment_intent_unexpected_state' },
      );
    }
    if (redirects === 'may_redirect' && read.return_url === undefined) {
      return invalidRequest(
        'This PaymentIntent accepts payment methods that may redirect the customer: confirming it needs a `return_url`, or `automatic_payment_methods[allow_redirects]=never`.',
      );
    }
  }
  const manual = read.capture_method === 'manual';
  const status: PaymentRecord['status'] =
    confirm === true
      ? manual
        ? 'requires_capture'
        : 'succeeded'
      : paymentMethod === undefined
        ? 'requires_payment_method'
        : 'requires_confirmation';
  return {
    amount,
    currency: currency.toLowerCase(),
    metadata: read.metadata?.metadata ?? {},
    status,
    captureMethod: read.capture_method ?? 'automatic',
    paymentMethod: paymentMethod ?? null,
  };
}

/**
 * Stores a PaymentIntent and, unless it still awaits a payment method or confirmation, its Charge:
 * succeeded and captured; `requires_capture`: authorised, not captured; `processing`: a bank debit
 * whose charge is pending.
 */
export function storePayment(store: MoneyStore, payment: PaymentRecord): StripeStubPaymentIntent {
  const { amount, currency, status } = payment;
  const created = store.nowSeconds();
  const id = randomId('pi_', 24);
  const isCharged =
    status === 'succeeded' || status === 'processing' || status === 'requires_capture';
  const isCaptured = status === 'succeeded' || status === 'processing';
  const charge: StripeStubCharge = {
    id: randomId('ch_', 24),
    object: 'charge',
    amount,
    amount_captured: isCaptured ? amount : 0,
    amount_refunded: 0,
    captured: isCaptured,
    currency,
    status: status === 'processing' ? 'pending' : 'succeeded',
    paid: status !== 'processing',
    refunded: false,
    disputed: false,
    payment_intent: id,
    metadata: {},
    failure_code: null,
    failure_message: null,
    // Stripe's shape; the token is random and opens nothing here.
    receipt_url: `https://pay.stripe.com/receipts/payment/${randomId('', 40)}`,
    balance_transaction: null,
    payment_method_details: { type: payment.isBankDebit ? 'us_bank_account' : 'card' },
    created,
    livemode: false,
  };
  const intent: StripeStubPaymentIntent = {
    id,
    object: 'payment_intent',
    amount,
    amount_capturable: status === 'requires_capture' ? amount : 0,
    amount_received: status === 'succeeded' ? amount : 0,
    currency,
    status,
    capture_method: payment.captureMethod,
    payment_method: payment.paymentMethod,
    metadata: { ...payment.metadata },
    latest_charge: isCharged ? charge.id : null,
    last_payment_error: null,
    created,
    livemode: false,
  };
  if (isCharged) store.charges.set(charge.id, charge);
  if (status === 'succeeded') creditCharge(store, charge);
  store.paymentIntents.set(id, intent);
  return intent;
}

/**
 * A succeeded charge's funds enter the platform's balance, less Stripe's processing fee (card or
 * bank debit pricing), as a `charge` Balance Transaction named on the charge.
 */
export function creditCharge(store: MoneyStore, charge: StripeStubCharge): void {
  const method = charge.payment_method_details.type === 'card' ? 'card' : 'bank_debit';
  charge.balance_transaction = store.ledger.record({
    amount: charge.amount,
    currency: charge.currency,
    fee: stripeFee(charge.amount, method),
    type: 'charge',
    source: charge.id,
  }).id;
}

/** `automatic_payment_methods`: whether confirming may redirect (needs a `return_url`). */
function readRedirects(params: Params): 'may_redirect' | 'never' | undefined | StripeFailure {
  const automatic = readObject(params, 'automatic_payment_methods');
  if (isStripeFailure(automatic) || automatic === undefined) return automatic;
  const prefix = 'automatic_payment_methods';
  const refused = rejectUnknownParams(automatic, ['allow_redirects', 'enabled'], prefix);
  if (refused) return refused;
  const enabled = readBoolean(automatic, 'enabled');
  if (isStripeFailure(enabled)) return enabled;
  if (enabled === undefined) return missingParam(`${prefix}[enabled]`);
  const allow = readEnum(
    automatic,
    'allow_redirects',
    ['always', 'never'] as const,
    `${prefix}[allow_redirects]`,
  );
  if (isStripeFailure(allow)) return allow;
  if (!enabled) return undefined;
  return allow === 'never' ? 'never' : 'may_redirect';
}
