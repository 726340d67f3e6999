import type Stripe from 'stripe';
import type { FindReceiptUrl } from './message-bytes';

/**
 * `EmailOutbox`'s `findReceiptUrl` over Stripe: the PaymentIntent retrieved with its
 * `latest_charge` expanded (one call), answering the charge's `receipt_url` ("the URL to view the
 * receipt for this charge", kept up to date with refunds: Stripe's API reference, the Charge
 * object). Nothing for a payment without a charge (a free item has no PaymentIntent at all).
 * Throws when Stripe cannot answer. The URL is a bearer link: callers never log it.
 */
export function findStripeReceiptUrl(stripe: Stripe): FindReceiptUrl {
  return async function findReceiptUrl(paymentIntentId) {
    const intent = await stripe.paymentIntents.retrieve(paymentIntentId, {
      expand: ['latest_charge'],
    });
    const charge = intent.latest_charge;
    if (typeof charge !== 'object' || charge === null) return undefined;
    return charge.receipt_url ?? undefined;
  };
}
