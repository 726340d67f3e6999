import type { TaxBehavior } from './compute-session-totals';
import type { Address } from './read-address';

/** A Checkout Session as the stub stores it: the fields of Stripe's object our code reads. */
export type StripeStubCheckoutSession = {
  id: string;
  object: 'checkout.session';
  /** Only set while the session is open, as on Stripe. */
  url: string | null;
  status: 'open' | 'complete' | 'expired';
  /** `no_payment_required` once a session whose total came to 0 (a 100 % discount) completes. */
  payment_status: 'unpaid' | 'paid' | 'no_payment_required';
  mode: 'payment';
  /** After discounts and tax: the line items' sum while open, the amount charged once paid. */
  amount_total: number;
  /** The line items' sum, before discounts and tax. */
  amount_subtotal: number;
  /** Discounts and tax, both 0 until the buyer pays (the code and the address come from the page). */
  total_details: { amount_discount: number; amount_shipping: number; amount_tax: number };
  /** As sent; null when not sent, as on Stripe. */
  allow_promotion_codes: boolean | null;
  /**
   * `status` approximates Stripe's: `requires_location_inputs` while open (the buyer has not
   * entered an address yet), `complete` once paid; null when automatic tax is off.
   */
  automatic_tax: {
    enabled: boolean;
    liability: { type: 'self' } | null;
    provider: 'stripe' | null;
    status: 'requires_location_inputs' | 'complete' | null;
  };
  /**
   * The discount sent as `discounts` (from creation), or the promotion code the buyer redeemed on
   * the page (once paid); empty otherwise. Each names its coupon and, for a code, the promotion
   * code (null for a coupon given directly), as Stripe's `discounts` entries do.
   */
  discounts: Array<{ coupon: string | null; promotion_code: string | null }>;
  currency: string;
  client_reference_id: string | null;
  /**
   * The `cus_…` id sent as `customer`, or, with `customer_creation: 'always'`, the Customer the
   * session created on completion; null otherwise.
   */
  customer: string | null;
  /** As sent (`always` or `if_required`); null when not sent. */
  customer_creation: 'always' | 'if_required' | null;
  /**
   * Stub-only: `customer_update` as sent (which fields a completed session saves onto the
   * Customer); Stripe does not return it on the session, so neither does the stub's API.
   */
  customer_update: CustomerUpdate | null;
  customer_email: string | null;
  /** Null while open; once paid, the email of the session's customer or its `customer_email`. */
  customer_details: StripeStubCustomerDetails | null;
  metadata: Record<string, string>;
  /** Null until paid, and for a session completed with nothing to pay. */
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

/** A line item as the buyer sees it on the checkout page. */
export interface StripeStubLineItem {
  name: string;
  description: string | null;
  quantity: number;
  /** Minor units, per unit. */
  unit_amount: number;
  currency: string;
  /** `price_data[tax_behavior]` as sent; null when not sent. */
  tax_behavior: TaxBehavior | null;
}

/** Which fields of the Customer a completed session updates (`customer_update[...]`). */
export interface CustomerUpdate {
  address: 'auto' | 'never';
  name: 'auto' | 'never';
  shipping: 'auto' | 'never';
}

/** The buyer as a completed session describes them: the email and the billing address entered. */
export interface StripeStubCustomerDetails {
  email: string | null;
  name: string | null;
  address: Address | null;
  phone: null;
  tax_exempt: 'none';
  tax_ids: [];
}
