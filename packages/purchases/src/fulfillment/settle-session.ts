import type Stripe from 'stripe';
import { PurchaseError, paymentProviderNotConfigured } from '../purchase-error';
import { failCheckout, fulfillCheckout } from './checkout-sessions';
import type { FulfillmentContext, FulfillmentResult } from './context';
import { checkoutSessionSchema } from './stripe-events';

/** PaymentIntent statuses after which a delayed payment will not arrive. */
const FAILED_PAYMENT_INTENT_STATUSES = new Set(['requires_payment_method', 'canceled']);

/**
 * True when a session was completed with a delayed method whose payment then failed: the session
 * stays `complete` and `unpaid` for ever, and only its payment intent tells (Stripe moves it back
 * to `requires_payment_method`, or `canceled`). Needs the session retrieved with
 * `expand: ['payment_intent']`.
 */
export function isDelayedPaymentFailed(session: Stripe.Checkout.Session): boolean {
  const intent = session.payment_intent;
  return (
    session.status === 'complete' &&
    session.payment_status === 'unpaid' &&
    typeof intent === 'object' &&
    intent !== null &&
    FAILED_PAYMENT_INTENT_STATUSES.has(intent.status)
  );
}

/**
 * Retrieves a Checkout Session with its payment intent expanded (one Stripe call). Throws
 * `PurchaseError('PAYMENT_PROVIDER_ERROR')` when Stripe cannot answer, and
 * `PAYMENT_PROVIDER_NOT_CONFIGURED` without a Stripe key.
 */
export async function retrieveSession(
  ctx: FulfillmentContext,
  sessionId: string,
): Promise<Stripe.Checkout.Session> {
  const { stripe } = ctx;
  if (!stripe) throw paymentProviderNotConfigured();
  try {
    return await stripe.checkout.sessions.retrieve(sessionId, { expand: ['payment_intent'] });
  } catch (error) {
    throw new PurchaseError('PAYMENT_PROVIDER_ERROR', 'The payment provider is unavailable', {
      cause: error,
    });
  }
}

/**
 * Brings the purchase behind a session Stripe just described up to date: fails it if the session
 * expired or its delayed payment failed, completes it if it is paid (through the same checks as
 * the webhook), leaves it pending otherwise. Idempotent.
 */
export async function settleSession(
  ctx: FulfillmentContext,
  retrieved: Stripe.Checkout.Session,
): Promise<FulfillmentResult> {
  const session = checkoutSessionSchema.parse(retrieved);
  if (session.status === 'expired' || isDelayedPaymentFailed(retrieved)) {
    return failCheckout(ctx, ctx.db, session);
  }
  return fulfillCheckout(ctx, ctx.db, session);
}
