import {
  type CheckoutContext,
  type CheckoutServiceDependencies,
  createCheckoutContext,
} from './checkout/checkout-context';
import {
  type CheckoutOptions,
  type CheckoutResult,
  createCheckoutSession,
} from './checkout/create-checkout-session';

/**
 * Checkout for buyers. Each concern is a file of `./checkout/`: `claim-purchase-slot.ts` (the one
 * statement that reads the content and the buyer's slot and inserts the purchase),
 * `start-paid-checkout.ts` (the Stripe session and its link), `checkout-session-params.ts` (the
 * session's parameters, a pure builder), `reuse-stripe-customer.ts` (one Stripe Customer per
 * buyer), `resume-pending-checkout.ts` (a second click, an abandoned or expiring session) and
 * `create-checkout-session.ts` (what to do next, round by round).
 */
export class CheckoutService {
  readonly #ctx: CheckoutContext;

  constructor(dependencies: CheckoutServiceDependencies) {
    this.#ctx = createCheckoutContext(dependencies);
  }

  /**
   * Starts (or resumes) the purchase of `contentId` by `customerId`.
   *
   * - `checkout_created`: a new pending purchase and a new Stripe Checkout Session.
   * - `checkout_reused`: the customer's pending purchase still has an open session; its URL again
   *   (a double click or a second tab never makes a second session).
   * - `free_access_granted`: the content is free; a completed purchase at 0, no Stripe call.
   *
   * Throws `PurchaseError` with `CONTENT_NOT_FOUND` (missing, draft or archived content),
   * `ALREADY_PURCHASED` (a completed purchase exists, or a payment for it is already complete at
   * Stripe), or `PAYMENT_PROVIDER_ERROR` (Stripe failed or timed out; a purchase created for this
   * call is marked failed), or `PAYMENT_PROVIDER_NOT_CONFIGURED` (paid content and no Stripe key;
   * nothing written). Throws other errors only for infrastructure failures.
   *
   * `options.customerEmail` is stored with a purchase this call creates, in the same statement.
   * A new paid purchase records the deployment's checkout options (codes, 100 % discounts,
   * automatic tax), and its session is created with them. With `reuseStripeCustomers` the session
   * names the buyer's one Stripe Customer (created and mapped on the first paid checkout; a failure
   * there fails the purchase like any Stripe failure).
   */
  createCheckoutSession(
    customerId: string,
    contentId: string,
    options: CheckoutOptions = {},
  ): Promise<CheckoutResult> {
    return createCheckoutSession(this.#ctx, customerId, contentId, options);
  }
}
