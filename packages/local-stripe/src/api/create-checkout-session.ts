import type { StripeStubCheckoutSession } from './checkout-session-types';
import type { StripeStubCustomer } from './customer-store';
import { refuseUnchargeableAmount } from './minimum-charge';
import type { Discount } from './promotion-code-types';
import { randomId } from './random-id';
import { readCheckoutBuyer } from './read-checkout-buyer';
import { readLineItems } from './read-line-items';
import { readMetadata } from './read-metadata';
import {
  type Params,
  readBoolean,
  readEnum,
  readObject,
  readObjectArray,
  readString,
  rejectUnknownParams,
} from './read-params';
import { invalidRequest, isStripeFailure, missingParam, type StripeFailure } from './stripe-error';

/** What a session is created against besides its parameters. */
export interface CreateCheckoutSessionOptions {
  /** The current time in unix seconds. */
  now: number;
  /** The page the buyer pays on. Default: Stripe's hosted page. */
  checkoutUrl?: (sessionId: string) => string;
  /** The stored Customer a `cus_…` id names, if any. */
  findCustomer: (id: string) => StripeStubCustomer | undefined;
  /** `discounts[index]` as a discount on the session, or Stripe's refusal. */
  resolveDiscount: (
    discount: Params,
    index: number,
    session: { currency: string; subtotal: number },
  ) => Discount | StripeFailure;
}

/**
 * Every parameter the stand-in implements; Stripe has many more, and any other is refused as
 * unknown (`parameter_unknown`) rather than silently ignored, so a request that passes here never
 * relies on a parameter the stand-in does not honour.
 */
const SESSION_PARAMS = [
  'allow_promotion_codes',
  'automatic_tax',
  'cancel_url',
  'client_reference_id',
  'customer',
  'customer_creation',
  'customer_email',
  'customer_update',
  'discounts',
  'expand',
  'expires_at',
  'line_items',
  'metadata',
  'mode',
  'payment_intent_data',
  'success_url',
];
// https://docs.stripe.com/api/checkout/sessions/create#create_checkout_session-expires_at
const MIN_EXPIRY_SECONDS = 30 * 60;
const MAX_EXPIRY_SECONDS = 24 * 60 * 60;

/** Stripe's hosted page for a session; the stub's default `url`. */
export const stripeHostedCheckoutUrl = (sessionId: string) =>
  `https://checkout.stripe.com/c/pay/${sessionId}`;

/**
 * Validates a `POST /v1/checkout/sessions` as Stripe does for the parameters it implements
 * (https://docs.stripe.com/api/checkout/sessions/create; each rule's page is cited where it is
 * checked, and in the package README's rules table) and builds the open session: payment mode;
 * success and cancel URLs; `price_data` line items (`readLineItems`); the buyer (`readCheckoutBuyer`);
 * `allow_promotion_codes` or one `discounts` entry, not both; `automatic_tax[enabled]`; an amount
 * due of 0 or at least the currency's minimum charge; `expires_at` 30 minutes to 24 hours ahead;
 * metadata within Stripe's limits. Unknown parameters are refused. Never throws.
 */
export function createCheckoutSession(
  params: Params,
  options: CreateCheckoutSessionOptions,
): StripeStubCheckoutSession | StripeFailure {
  const { now, checkoutUrl = stripeHostedCheckoutUrl } = options;
  const refused = rejectUnknownParams(params, SESSION_PARAMS);
  if (refused) return refused;
  const mode = readString(params, 'mode');
  if (isStripeFailure(mode)) return mode;
  if (mode === undefined) return missingParam('mode');
  if (mode !== 'payment') {
    return invalidRequest(
      `Invalid mode: the Stripe stub supports only \`payment\`, not \`${mode}\`.`,
      {
        param: 'mode',
      },
    );
  }
  const successUrl = readString(params, 'success_url');
  if (isStripeFailure(successUrl)) return successUrl;
  if (!successUrl) return missingParam('success_url');
  const cancelUrl = readString(params, 'cancel_url');
  if (isStripeFailure(cancelUrl)) return cancelUrl;
  if (!cancelUrl) return missingParam('cancel_url');

  const automaticTax = readAutomaticTax(params);
  if (isStripeFailure(automaticTax)) return automaticTax;
  const buyer = readCheckoutBuyer(params, { automaticTax, findCustomer: options.findCustomer });
  if (isStripeFailure(buyer)) return buyer;
  const allowPromotionCodes = readBoolean(params, 'allow_promotion_codes');
  if (isStripeFailure(allowPromotionCodes)) return allowPromotionCodes;
  const discounts = readObjectArray(params, 'discounts');
  if (isStripeFailure(discounts)) return discounts;
  if (allowPromotionCodes !== undefined && discounts !== undefined && discounts.length > 0) {
    // Refused even with `allow_promotion_codes=false`; the `param` Stripe names is not documented.
    return invalidRequest(
      'You may only specify one of these parameters: allow_promotion_codes, discounts.',
      { param: 'allow_promotion_codes' },
    );
  }
  if (discounts !== undefined && discounts.length > 1) {
    // "Currently, only up to one may be specified." (the `discounts` parameter's description)
    return invalidRequest('You may only specify one discount on a Checkout Session.', {
      param: 'discounts',
    });
  }

  const lineItems = readLineItems(params, automaticTax);
  if (isStripeFailure(lineItems)) return lineItems;
  const [first] = lineItems;
  if (!first) return missingParam('line_items');
  const subtotal = lineItems.reduce((sum, item) => sum + item.unit_amount * item.quantity, 0);
  const [discountParam] = discounts ?? [];
  const discount = discountParam
    ? options.resolveDiscount(discountParam, 0, { currency: first.currency, subtotal })
    : undefined;
  if (isStripeFailure(discount)) return discount;
  const amountDue = subtotal - (discount?.amount ?? 0);
  // No-cost orders (0 due) are allowed (https://docs.stripe.com/payments/checkout/no-cost-orders);
  // anything else is held to the minimum charge.
  const unchargeable =
    amountDue > 0
      ? refuseUnchargeableAmount(amountDue, first.currency, 'checkout_session')
      : undefined;
  if (unchargeable) return unchargeable;

  const expiry = readExpiry(params, now);
  if (isStripeFailure(expiry)) return expiry;
  const metadata = readMetadata(params, 'metadata');
  if (isStripeFailure(metadata)) return metadata;
  const intentMetadata = readPaymentIntentData(params);
  if (isStripeFailure(intentMetadata)) return intentMetadata;
  const clientReferenceId = readString(params, 'client_reference_id');
  if (isStripeFailure(clientReferenceId)) return clientReferenceId;

  const id = randomId('cs_test_', 58);
  return {
    id,
    object: 'checkout.session',
    url: checkoutUrl(id),
    status: 'open',
    payment_status: 'unpaid',
    mode: 'payment',
    amount_total: amountDue,
    amount_subtotal: subtotal,
    total_details: { amount_discount: discount?.amount ?? 0, amount_shipping: 0, amount_tax: 0 },
    allow_promotion_codes: allowPromotionCodes ?? null,
    automatic_tax: {
      enabled: automaticTax,
      liability: automaticTax ? { type: 'self' } : null,
      provider: automaticTax ? 'stripe' : null,
      status: automaticTax ? 'requires_location_inputs' : null,
    },
    discounts: discount?.redeemed ? [discount.redeemed] : [],
    currency: first.currency,
    client_reference_id: clientReferenceId ?? null,
    customer: buyer.customer,
    customer_creation: buyer.customerCreation,
    customer_update: buyer.customerUpdate,
    customer_email: buyer.customerEmail,
    customer_details: null,
    metadata: metadata?.metadata ?? {},
    payment_intent: null,
    payment_intent_data: { metadata: intentMetadata },
    line_items: lineItems,
    expires_at: expiry,
    created: now,
    success_url: successUrl,
    cancel_url: cancelUrl,
    livemode: false,
  };
}

/** The session as Stripe's API returns it, without the stub-only fields. */
export function toStripeObject(session: StripeStubCheckoutSession): Record<string, unknown> {
  const {
    payment_intent_data: _stubOnly,
    customer_update: _notReturned,
    line_items: _served,
    ...object
  } = session;
  return object;
}

/**
 * `automatic_tax[enabled]` (required once `automatic_tax` is sent) and `automatic_tax[liability][type]`
 * (`self` or `account`; the stand-in's account has no connected accounts, so it records `self`).
 */
function readAutomaticTax(params: Params): boolean | StripeFailure {
  const tax = readObject(params, 'automatic_tax');
  if (isStripeFailure(tax)) return tax;
  if (tax === undefined) return false;
  const refused = rejectUnknownParams(tax, ['enabled', 'liability'], 'automatic_tax');
  if (refused) return refused;
  const liability = readObject(tax, 'liability');
  if (isStripeFailure(liability)) return liability;
  if (liability !== undefined) {
    const unknown = rejectUnknownParams(liability, ['type'], 'automatic_tax[liability]');
    if (unknown) return unknown;
    const type = readEnum(liability, 'type', ['self', 'account'], 'automatic_tax[liability][type]');
    if (isStripeFailure(type)) return type;
  }
  const enabled = readBoolean(tax, 'enabled');
  if (isStripeFailure(enabled)) {
    return { ...enabled, error: { ...enabled.error, param: 'automatic_tax[enabled]' } };
  }
  return enabled ?? missingParam('automatic_tax[enabled]');
}

/** `payment_intent_data[metadata]`: copied onto the PaymentIntent once paid. */
function readPaymentIntentData(params: Params): Record<string, string> | StripeFailure {
  const data = readObject(params, 'payment_intent_data');
  if (isStripeFailure(data)) return data;
  if (data === undefined) return {};
  const refused = rejectUnknownParams(data, ['metadata'], 'payment_intent_data');
  if (refused) return refused;
  const metadata = readMetadata(data, 'metadata', 'payment_intent_data[metadata]');
  if (isStripeFailure(metadata)) return metadata;
  return metadata?.metadata ?? {};
}

/** `expires_at`, 30 minutes to 24 hours from now; default 24 hours. */
function readExpiry(params: Params, now: number): number | StripeFailure {
  const expiresAt = readString(params, 'expires_at');
  if (isStripeFailure(expiresAt)) return expiresAt;
  if (expiresAt === undefined) return now + MAX_EXPIRY_SECONDS;
  if (!/^\d+$/.test(expiresAt) || !Number.isSafeInteger(Number(expiresAt))) {
    return invalidRequest(`Invalid integer: ${expiresAt}`, { param: 'expires_at' });
  }
  const expiry = Number(expiresAt);
  if (expiry < now + MIN_EXPIRY_SECONDS || expiry > now + MAX_EXPIRY_SECONDS) {
    return invalidRequest(
      'The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.',
      { param: 'expires_at' },
    );
  }
  return expiry;
}
