import type { StripeStubCheckoutSession, StripeStubLineItem } from './checkout-session-types';
import type { TaxBehavior } from './compute-session-totals';
import { randomId } from './random-id';
import type { StripeErrorDetails } from './stripe-error';

/** Either the new session or the Stripe `invalid_request_error` (status 400) that rejects the form. */
export type CreateCheckoutSessionResult =
  | { session: StripeStubCheckoutSession }
  | { error: StripeErrorDetails };

/** What a session is created against besides its form. */
export interface CreateCheckoutSessionOptions {
  /** The current time in unix seconds. */
  now: number;
  /** The page the buyer pays on. Default: Stripe's hosted page. */
  checkoutUrl?: (sessionId: string) => string;
  /** True if a `cus_…` id names a stored customer. */
  hasCustomer: (id: string) => boolean;
}

const TAX_BEHAVIORS: ReadonlyArray<TaxBehavior> = ['exclusive', 'inclusive', 'unspecified'];

const MIN_EXPIRY_SECONDS = 30 * 60;
const MAX_EXPIRY_SECONDS = 24 * 60 * 60;

/** Stripe's hosted page for a session; the stub's default `url`. */
export const stripeHostedCheckoutUrl = (sessionId: string) =>
  `https://checkout.stripe.com/c/pay/${sessionId}`;

/**
 * Validates a `POST /v1/checkout/sessions` form as Stripe does for the parameters our code sends
 * (payment mode, success and cancel URLs, `price_data` line items, `expires_at` window, `customer`
 * or `customer_email`, `allow_promotion_codes`, `automatic_tax[enabled]` with each item's
 * `tax_behavior`) and builds the open session. Never throws.
 */
export function createCheckoutSession(
  form: Record<string, string>,
  { now, checkoutUrl = stripeHostedCheckoutUrl, hasCustomer }: CreateCheckoutSessionOptions,
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

  const { customer, customer_email: customerEmail } = form;
  if (customer !== undefined && customerEmail !== undefined) {
    return invalid(
      'customer_email',
      'You may only specify one of these parameters: customer, customer_email.',
    );
  }
  if (customer !== undefined && !hasCustomer(customer)) {
    return invalid('customer', `No such customer: '${customer}'`, 'resource_missing');
  }
  const allowPromotionCodes = readBoolean(form, 'allow_promotion_codes');
  if (typeof allowPromotionCodes === 'object') return allowPromotionCodes;
  const hasAutomaticTax = Object.keys(form).some((key) => key.startsWith('automatic_tax['));
  if (hasAutomaticTax && form['automatic_tax[enabled]'] === undefined) {
    return missing('automatic_tax[enabled]');
  }
  const automaticTax = readBoolean(form, 'automatic_tax[enabled]') ?? false;
  if (typeof automaticTax === 'object') return automaticTax;

  const lineItems: StripeStubLineItem[] = [];
  for (const index of lineItemIndices(form)) {
    const lineItem = readLineItem(form, `line_items[${index}]`);
    if ('error' in lineItem) return lineItem;
    // The stub's account has no default tax behavior in its tax settings, so, as Stripe then
    // does, automatic tax needs every item to say whether its price includes tax. Stripe refuses
    // `unspecified` too in that case (it means "use the account default").
    if (automaticTax && (lineItem.tax_behavior ?? 'unspecified') === 'unspecified') {
      return invalid(
        `line_items[${index}][price_data][tax_behavior]`,
        `The \`price_data\` of \`line_items[${index}]\` does not have a \`tax_behavior\` set, which is required for automatic tax computation. Set it to \`exclusive\` or \`inclusive\`, or set a default tax behavior in your tax settings. Please visit https://stripe.com/docs/tax/products-prices-tax-categories-tax-behavior#tax-behavior for more information.`,
      );
    }
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
  const amount = lineItems.reduce((sum, item) => sum + item.unit_amount * item.quantity, 0);
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
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
      allow_promotion_codes: allowPromotionCodes ?? null,
      automatic_tax: {
        enabled: automaticTax,
        liability: automaticTax ? { type: 'self' } : null,
        provider: automaticTax ? 'stripe' : null,
        status: automaticTax ? 'requires_location_inputs' : null,
      },
      discounts: [],
      currency: first.currency,
      client_reference_id: form.client_reference_id ?? null,
      customer: customer ?? null,
      customer_email: customerEmail ?? null,
      customer_details: null,
      metadata: readMap(form, 'metadata'),
      payment_intent: null,
      payment_intent_data: { metadata: readMap(form, 'payment_intent_data[metadata]') },
      line_items: lineItems,
      expires_at: expiry,
      created: now,
      success_url: successUrl,
      cancel_url: cancelUrl,
      livemode: false,
    },
  };
}

/** The session as Stripe's API returns it, without the stub-only fields. */
export function toStripeObject(session: StripeStubCheckoutSession): Record<string, unknown> {
  const { payment_intent_data: _stubOnly, line_items: _served, ...object } = session;
  return object;
}

function readLineItem(
  form: Record<string, string>,
  param: string,
): StripeStubLineItem | { error: StripeErrorDetails } {
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
  const taxBehavior = form[`${param}[price_data][tax_behavior]`];
  const knownBehavior = TAX_BEHAVIORS.find((behavior) => behavior === taxBehavior);
  if (taxBehavior !== undefined && knownBehavior === undefined) {
    return invalid(
      `${param}[price_data][tax_behavior]`,
      `Invalid ${param}[price_data][tax_behavior]: must be one of exclusive, inclusive, or unspecified`,
    );
  }
  return {
    name,
    description: form[`${param}[price_data][product_data][description]`] ?? null,
    quantity: Number(quantity),
    unit_amount: Number(unitAmount),
    currency,
    tax_behavior: knownBehavior ?? null,
  };
}

/** An optional `true`/`false` form value, or Stripe's refusal. */
function readBoolean(
  form: Record<string, string>,
  param: string,
): boolean | undefined | { error: StripeErrorDetails } {
  const value = form[param];
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') return invalid(param, `Invalid boolean: ${value}`);
  return value === 'true';
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
