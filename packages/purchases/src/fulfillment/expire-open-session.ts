import Stripe from 'stripe';
import { isDelayedPaymentFailed } from './settle-session';

/**
 * Closes a Checkout Session at Stripe so that it can no longer be paid, before the purchase behind
 * it is failed. `expired`: it is closed (expired now or before, its delayed payment failed, or
 * Stripe does not know it). `being_paid`: it is complete, so money is moving (paid, or a delayed
 * payment under way) and its purchase must not be failed. Throws when Stripe cannot answer: the
 * caller rolls back and is retried.
 */
export async function expireOpenSession(
  stripe: Stripe,
  sessionId: string,
): Promise<'expired' | 'being_paid'> {
  try {
    await stripe.checkout.sessions.expire(sessionId);
    return 'expired';
  } catch (error) {
    // Stripe refuses to expire a session that is not open: read it to learn why.
    if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) throw error;
  }
  try {
    const session = await stripe.checkout.sessions.retrieve(sessionId, {
      expand: ['payment_intent'],
    });
    return session.status === 'complete' && !isDelayedPaymentFailed(session)
      ? 'being_paid'
      : 'expired';
  } catch (error) {
    if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404) {
      return 'expired';
    }
    throw error;
  }
}
