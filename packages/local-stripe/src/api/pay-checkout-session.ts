import type { PayCheckoutSessionOptions } from '../stripe-stub-types';
import type {
  StripeStubCheckoutSession,
  StripeStubCustomerDetails,
} from './checkout-session-types';
import { computeSessionTotals } from './compute-session-totals';
import type { PromotionCodes } from './create-promotion-codes';
import type { SessionStore } from './create-session-store';
import type { CustomerStore } from './customer-store';
import type { StripeStubEvent } from './event-store';
import type { MoneyObjects } from './money-objects';
import type { Emission } from './money-types';
import { type Address, DEFAULT_BILLING_ADDRESS } from './read-address';
import { invalidRequest, isStripeFailure, type StripeFailure } from './stripe-error';

/** What paying a session changes and reports through. */
export interface PayCheckoutSessionDependencies {
  sessions: SessionStore;
  money: MoneyObjects;
  customers: CustomerStore;
  promotionCodes: PromotionCodes;
  /** The rate charged under automatic tax when the payment names none. */
  defaultTaxRate: number;
  /** Records the events (their objects snapshotted now) and returns them. */
  emit: (emissions: Emission[]) => StripeStubEvent[];
  /** The session as Stripe's API returns it. */
  toStripeObject: (session: StripeStubCheckoutSession) => Record<string, unknown>;
}

/**
 * The buyer pays an open session, as on Stripe's hosted page: by card (succeeded at once) or bank
 * debit (processing), with the billing address entered (default {@link DEFAULT_BILLING_ADDRESS}),
 * the discount the session was created with or a promotion code typed on the page (only when the
 * session has `allow_promotion_codes`), and under automatic tax the rate of that address. A total
 * of 0 completes the session with nothing to pay and no PaymentIntent. As Stripe does on
 * completion: with `customer_creation: 'always'` and no `customer`, a Customer is created (email
 * and address from the details entered; `customer.created` is emitted first) and named on the
 * session; with `customer_update[address]=auto` the address is saved onto the session's Customer
 * (https://docs.stripe.com/api/checkout/sessions/create#create_checkout_session-customer_update).
 * Returns the events or Stripe's refusal; never throws.
 */
export function payCheckoutSession(
  deps: PayCheckoutSessionDependencies,
  id: string,
  options: PayCheckoutSessionOptions = {},
): StripeStubEvent[] | StripeFailure {
  const { sessions, money, customers, promotionCodes } = deps;
  const { method = 'card', promotionCode, taxRatePercent } = options;
  const session = sessions.open(id, 'paid');
  if (isStripeFailure(session)) return session;
  const discount =
    promotionCode !== undefined || session.discounts.length === 0
      ? promotionCodes.redeemOnPage(session, promotionCode)
      : promotionCodes.sessionDiscount(session);
  if (isStripeFailure(discount)) return discount;
  const rate = taxRatePercent ?? deps.defaultTaxRate;
  if (!isTaxRate(rate)) {
    return invalidRequest(`\`taxRatePercent\` must be 0 to 100, not ${taxRatePercent}.`);
  }
  const address = billingAddress(options);
  if (isStripeFailure(address)) return address;
  const totals = computeSessionTotals({
    lineItems: session.line_items,
    discount: discount.amount,
    taxRatePercent: session.automatic_tax.enabled ? rate : undefined,
  });

  const emitted: Emission[] = [];
  const details = customerDetails(deps, session, address);
  let customer = session.customer;
  if (customer === null && session.customer_creation === 'always') {
    const created = customers.createForSession({ email: details.email, address });
    emitted.push({ type: 'customer.created', object: created });
    customer = created.id;
  } else if (customer !== null && session.customer_update?.address === 'auto') {
    customers.saveAddress(customer, address);
  }
  const paid = {
    status: 'complete' as const,
    customer,
    amount_subtotal: totals.amount_subtotal,
    amount_total: totals.amount_total,
    total_details: {
      amount_discount: totals.amount_discount,
      amount_shipping: 0,
      amount_tax: totals.amount_tax,
    },
    discounts: discount.redeemed ? [discount.redeemed] : [],
    customer_details: details,
    automatic_tax: {
      ...session.automatic_tax,
      status: session.automatic_tax.enabled ? ('complete' as const) : null,
    },
  };
  let completed: StripeStubCheckoutSession | undefined;
  if (totals.amount_total === 0) {
    // Stripe completes a free session without a PaymentIntent, whatever the method.
    completed = sessions.update(id, {
      ...paid,
      payment_status: 'no_payment_required',
      payment_intent: null,
    });
  } else {
    const isDelayed = method === 'delayed';
    const intent = money.startPayment({
      amount: totals.amount_total,
      currency: session.currency,
      metadata: session.payment_intent_data.metadata,
      isDelayed,
    });
    completed = sessions.update(id, {
      ...paid,
      payment_status: isDelayed ? 'unpaid' : 'paid',
      payment_intent: intent.id,
    });
  }
  if (completed) {
    emitted.push({ type: 'checkout.session.completed', object: deps.toStripeObject(completed) });
  }
  return deps.emit(emitted);
}

/** The billing address the buyer entered: `address` (with `country`), `country` alone, or the default. */
function billingAddress({ address, country }: PayCheckoutSessionOptions): Address | StripeFailure {
  if (address === undefined && country === undefined) return { ...DEFAULT_BILLING_ADDRESS };
  const entered: Address = {
    line1: null,
    line2: null,
    city: null,
    state: null,
    postal_code: null,
    ...address,
    country: (address?.country ?? country ?? DEFAULT_BILLING_ADDRESS.country ?? 'US').toUpperCase(),
  };
  if (!/^[A-Z]{2}$/.test(entered.country ?? '')) {
    return invalidRequest(`A billing country is a two-letter code, not ${entered.country}.`);
  }
  return entered;
}

/** The buyer as a completed session names them: its customer's email, else `customer_email`. */
function customerDetails(
  { customers }: PayCheckoutSessionDependencies,
  session: StripeStubCheckoutSession,
  address: Address,
): StripeStubCustomerDetails {
  const customer = session.customer === null ? undefined : customers.retrieve(session.customer);
  return {
    email: customer?.email ?? session.customer_email,
    name: customer?.name ?? null,
    address,
    phone: null,
    tax_exempt: 'none',
    tax_ids: [],
  };
}

/** True for a tax rate in percent the stand-in can charge: 0 to 100. */
export function isTaxRate(rate: number): boolean {
  return Number.isFinite(rate) && rate >= 0 && rate <= 100;
}
