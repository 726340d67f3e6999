import type Stripe from 'stripe';
import type { PurchasableContent, PurchaseCheckoutTerms } from './claim-purchase-slot';

// Stripe checks `expires_at` against its own clock on arrival; a session asked to live exactly
// 30 minutes from our clock is refused after any delay. A small margin keeps it inside the bound.
const EXPIRES_AT_MARGIN_SECONDS = 60;

/**
 * Who pays, as Stripe is told: the buyer's Stripe Customer (mapped by an earlier completion), or
 * their address (if known) and whether Checkout should create a Customer for them (with Customer
 * reuse: the completion then records it, so the next checkout names it).
 */
export type CheckoutBuyer =
  | { customer: string }
  | { email: string | undefined; createCustomer: boolean };

/** What {@link checkoutSessionParams} builds a session from. */
export interface CheckoutSessionParamsOptions {
  purchaseId: string;
  customerId: string;
  item: Pick<
    PurchasableContent,
    'id' | 'organizationId' | 'title' | 'description' | 'priceCents' | 'currency'
  >;
  buyer: CheckoutBuyer;
  /** The terms the purchase recorded in its claim: its session must be created with them. */
  terms: Pick<PurchaseCheckoutTerms, 'taxBehavior'>;
  /**
   * The promotion code (`promo_…`) checkout verified as the item's organization's: attached as the
   * session's only discount. Stripe's page then offers no code field of its own, so no other code
   * can be entered there (`allow_promotion_codes` is never sent).
   */
  promotionCodeId?: string | undefined;
  /** The web app's origin; Stripe returns the buyer to the item's page there. */
  webAppUrl: string;
  now: Date;
  ttlMinutes: number;
}

/**
 * The Checkout Session a purchase is sold through: one line built only from the content row (never
 * from the client), the purchase's ids in `client_reference_id` and in the metadata of the session
 * and of its payment intent (fulfillment checks them), automatic tax as the purchase recorded it,
 * its verified promotion code, the buyer, an expiry `ttlMinutes` (plus a margin) ahead, and the
 * item's page as the return URL. Pure: the same options give the same parameters, so tests create
 * sessions exactly as checkout does.
 *
 * Stripe's rules it keeps (https://docs.stripe.com/api/checkout/sessions/create): `customer` with
 * neither `customer_email` nor `customer_creation`; automatic tax with a `customer` needs an address
 * on it, so Checkout is told to save the one the buyer enters (`customer_update[address]=auto`);
 * `discounts` without `allow_promotion_codes`; no empty `description`.
 */
export function checkoutSessionParams(
  options: CheckoutSessionParamsOptions,
): Stripe.Checkout.SessionCreateParams {
  const { purchaseId, customerId, item, buyer, terms, promotionCodeId } = options;
  const metadata = {
    purchaseId,
    customerId,
    contentId: item.id,
    organizationId: item.organizationId,
  };
  const nowSeconds = Math.floor(options.now.getTime() / 1000);
  const contentUrl = `${options.webAppUrl}/content/${item.id}`;
  const { taxBehavior } = terms;
  return {
    mode: 'payment',
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency: item.currency,
          unit_amount: item.priceCents,
          product_data: {
            name: item.title,
            // Stripe refuses an empty description.
            ...(item.description ? { description: item.description } : {}),
            metadata: { contentId: item.id },
          },
          ...(taxBehavior ? { tax_behavior: taxBehavior } : {}),
        },
      },
    ],
    // Only when switched on: with every switch off the request is what it always was.
    ...(promotionCodeId ? { discounts: [{ promotion_code: promotionCodeId }] } : {}),
    ...(taxBehavior ? { automatic_tax: { enabled: true } } : {}),
    client_reference_id: purchaseId,
    ...buyerParams(buyer, taxBehavior !== null),
    metadata,
    payment_intent_data: { metadata },
    expires_at: nowSeconds + options.ttlMinutes * 60 + EXPIRES_AT_MARGIN_SECONDS,
    success_url: `${contentUrl}?purchase=success&session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${contentUrl}?purchase=cancelled`,
  };
}

/** One purchase, one session: a retried call (ours or the SDK's) cannot create a second one. */
export function checkoutSessionIdempotencyKey(purchaseId: string): string {
  return `checkout-session:${purchaseId}`;
}

/** The buyer's part of the session: exactly one of Stripe's exclusive ways to name them. */
function buyerParams(
  buyer: CheckoutBuyer,
  automaticTax: boolean,
): Partial<Stripe.Checkout.SessionCreateParams> {
  if ('customer' in buyer) {
    return {
      customer: buyer.customer,
      ...(automaticTax ? { customer_update: { address: 'auto' as const } } : {}),
    };
  }
  return {
    ...(buyer.email ? { customer_email: buyer.email } : {}),
    ...(buyer.createCustomer ? { customer_creation: 'always' as const } : {}),
  };
}
