import { randomId } from './random-id';
import type { StripeErrorDetails } from './stripe-error';

/** A Checkout Session as the stub stores it: the fields of Stripe's object our code reads. */
export type StripeStubCheckoutSession = {
  id: string;
  object: 'checkout.session';
  /** Only set while the session is open, as on Stripe. */
  url: string | null;
  status: 'open' | 'complete' | 'expired';
  payment_status: 'unpaid' | 'paid' | 'no_payment_required';
  mode: 'payment';
  amount_total: number;
  amount_subtotal: number;
  currency: string;
  client_reference_id: string | null;
  customer: null;
  customer_email: string | null;
  metadata: Record<string, string>;
  payment_intent: string | null;
  /**
   * Stub-only: `payment_intent_data[metadata]` as sent, for assertions. Stripe copies it onto the
   * PaymentIntent and does not return it on the session, so neither does the stub's API.
   */
  payment_intent_data: { metadata: Record<string, string> };
  /**
   * Stub-only: the line items as sent, for the local checkout page. Stripe serves them only through
   * `GET /v1/checkout/sessions/:id/line_items`, so the stub's API leaves them out of the session.
   */
  line_items: StripeStubLineItem[];
  expires_at: number;
  created: number;
  success_url: string;
  cancel_url: string;
  livemode: false;
};

/** Either the new session or the Stripe `invalid_request_error` (status 400) that rejects the form. */
export type CreateCheckoutSessionResult =
  | { session: StripeStubCheckoutSession }
  | { error: StripeErrorDetails };

/** A line item as the buyer sees it on the checkout page. */
export interface StripeStubLineItem {
  name: string;
  description: string | null;
  quantity: number;
  /** Minor units, per unit. */
  unit_amount: number;
  currency: string;
}

interface LineItem extends StripeStubLineItem {
  /** unit_amount × quantity. */
  amount: number;
}

const MIN_EXPIRY_SECONDS = 30 * 60;
const MAX_EXPIRY_SECONDS = 24 * 60 * 60;

/** Stripe's hosted page for a session; the stub's default `url`. */
export const stripeHostedCheckoutUrl = (sessionId: string) =>
  `https://checkout.stripe.com/c/pay/${sessionId}`;

/**
 * Validates a `POST /v1/checkout/sessions` form as Stripe does for the parameters our code sends
 * (payment mode, success and cancel URLs, `price_data` line items, `expires_at` window) and builds
 * the open session. `now` is the current time in unix seconds; `checkoutUrl` names the page the
 * buyer pays on. Never throws.
 */
export function createCheckoutSession(
  form: Record<string, string>,
  now: number,
  checkoutUrl: (sessionId: string) => string = stripeHostedCheckoutUrl,
): CreateCheckoutSessionResult {
  const { mode, success_url: successUrl, cancel_url: cancelUrl, expires_at: expiresAt } = form;
  if (mode === undefined) return missing('mode');
  if (mode !== 'payment') {
    return invalid(
      'mode',
      `Invalid mode: the Stripe stub supports only \`payment\`, not \`${mode}\`.`,
    );
  }
  if (!successUrl) return missing('success_url');
  if (!cancelUrl) return missing('cancel_url');

  const lineItems: LineItem[] = [];
  for (const index of lineItemIndices(form)) {
    const lineItem = readLineItem(form, `line_items[${index}]`);
    if ('error' in lineItem) return lineItem;
    lineItems.push(lineItem);
  }
  const [first] = lineItems;
  if (!first) return missing('line_items');
  const mixed = lineItems.findIndex((lineItem) => lineItem.currency !== first.currency);
  if (mixed !== -1) {
    return invalid(
      `line_items[${mixed}][price_data][currency]`,
      'All line items of a Checkout Session must use the same currency.',
    );
  }

  let expiry = now + MAX_EXPIRY_SECONDS;
  if (expiresAt !== undefined) {
    if (!isInteger(expiresAt)) return invalid('expires_at', `Invalid integer: ${expiresAt}`);
    expiry = Number(expiresAt);
    if (expiry < now + MIN_EXPIRY_SECONDS || expiry > now + MAX_EXPIRY_SECONDS) {
      return invalid(
        'expires_at',
        'The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.',
      );
    }
  }

  const id = randomId('cs_test_', 58);
  const amount = lineItems.reduce((sum, lineItem) => sum + lineItem.amount, 0);
  return {
    session: {
      id,
      object: 'checkout.session',
      url: checkoutUrl(id),
      status: 'open',
      payment_status: 'unpaid',
      mode: 'payment',
      amount_total: amount,
      amount_subtotal: amount,
      currency: first.currency,
      client_reference_id: form.client_reference_id ?? null,
      customer: null,
      customer_email: form.customer_email ?? null,
      metadata: readMap(form, 'metadata'),
      payment_intent: null,
      payment_intent_data: { metadata: readMap(form, 'payment_intent_data[metadata]') },
      line_items: lineItems.map(({ amount: _total, ...lineItem }) => lineItem),
      expires_at: expiry,
      created: now,
      success_url: successUrl,
      cancel_url: cancelUrl,
      livemode: false,
    },
  };
}

function readLineItem(
  form: Record<string, string>,
  param: string,
): LineItem | { error: StripeErrorDetails } {
  const quantity = form[`${param}[quantity]`];
  if (quantity === undefined) return missing(`${param}[quantity]`);
  if (!isInteger(quantity) || Number(quantity) < 1) {
    return invalid(`${param}[quantity]`, `Invalid positive integer: ${quantity}`);
  }
  const price = form[`${param}[price]`];
  if (price !== undefined) {
    // The stub stores no Price objects, so every price id is unknown, as it would be on Stripe.
    return invalid(`${param}[price]`, `No such price: '${price}'`, 'resource_missing');
  }
  if (!Object.keys(form).some((key) => key.startsWith(`${param}[price_data]`))) {
    return invalid(param, `You must specify either \`price\` or \`price_data\` in \`${param}\`.`);
  }
  const currency = form[`${param}[price_data][currency]`]?.toLowerCase();
  const unitAmount = form[`${param}[price_data][unit_amount]`];
  const name = form[`${param}[price_data][product_data][name]`];
  if (currency === undefined) return missing(`${param}[price_data][currency]`);
  if (!/^[a-z]{3}$/.test(currency)) {
    return invalid(`${param}[price_data][currency]`, `Invalid currency: ${currency}`);
  }
  if (unitAmount === undefined) return missing(`${param}[price_data][unit_amount]`);
  if (!isInteger(unitAmount)) {
    return invalid(`${param}[price_data][unit_amount]`, `Invalid integer: ${unitAmount}`);
  }
  if (!name) return missing(`${param}[price_data][product_data][name]`);
  return {
    name,
    description: form[`${param}[price_data][product_data][description]`] ?? null,
    quantity: Number(quantity),
    unit_amount: Number(unitAmount),
    currency,
    amount: Number(unitAmount) * Number(quantity),
  };
}

/** The distinct `i` of every `line_items[i][...]` key, ascending. */
function lineItemIndices(form: Record<string, string>): number[] {
  const indices = Object.keys(form).flatMap((key) => {
    const index = /^line_items\[(\d+)\]/.exec(key)?.[1];
    return index === undefined ? [] : [Number(index)];
  });
  return [...new Set(indices)].sort((a, b) => a - b);
}

/** `{ key: value }` for every flat `prefix[key]=value` of the form. */
function readMap(form: Record<string, string>, prefix: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(form).flatMap(([key, value]) => {
      const name = key.startsWith(`${prefix}[`) ? key.slice(prefix.length + 1, -1) : '';
      return key.endsWith(']') && name !== '' && !/[[\]]/.test(name) ? [[name, value]] : [];
    }),
  );
}

function isInteger(value: string): boolean {
  return /^\d+$/.test(value) && Number.isSafeInteger(Number(value));
}

function invalid(param: string, message: string, code?: string): { error: StripeErrorDetails } {
  return { error: { type: 'invalid_request_error', message, param, ...(code ? { code } : {}) } };
}

function missing(param: string): { error: StripeErrorDetails } {
  return invalid(param, `Missing required param: ${param}.`, 'parameter_missing');
}
