import { and, contentPurchases, type DatabaseTransaction, eq } from '@codex/database';
import type Stripe from 'stripe';
import type { FulfillmentContext } from '../fulfillment/context';
import { recordStripeCustomer } from '../fulfillment/record-stripe-customer';
import { completionAmounts, isPaid, sessionAmounts } from '../fulfillment/session-amounts';
import { checkoutSessionSchema, idOf } from '../fulfillment/stripe-events';
import { enqueueConfirmationEmail } from '../outbox/enqueue-emails';
import { notAllowed } from './review-stripe';

/**
 * Completes a payment held for review at what the session charged (its amounts and currency),
 * only while it is still pending: a payment refunded in full meanwhile was failed, and cannot be
 * granted (`REVIEW_ACTION_NOT_ALLOWED`: the transaction rolls back, the action is closed as
 * refused and the flag stays open for another action). Queues the buyer's confirmation, as a
 * completion does.
 */
export async function grantAtCharged(
  ctx: FulfillmentContext,
  tx: DatabaseTransaction,
  purchaseId: string,
  stripeSession: Stripe.Checkout.Session,
): Promise<void> {
  const parsed = checkoutSessionSchema.safeParse(stripeSession);
  const session = parsed.success ? parsed.data : undefined;
  const amounts = session ? sessionAmounts(session) : undefined;
  if (!session || !amounts || !isPaid(session) || !session.currency) {
    throw notAllowed('The checkout is not paid at Stripe: nothing to grant');
  }
  const paymentIntentId = idOf(session.payment_intent);
  const now = ctx.clock();
  const granted = await tx
    .update(contentPurchases)
    .set({
      status: 'completed',
      purchasedAt: now,
      currency: session.currency.toLowerCase(),
      ...(paymentIntentId ? { stripePaymentIntentId: paymentIntentId } : {}),
      ...completionAmounts(amounts, now),
    })
    .where(and(eq(contentPurchases.id, purchaseId), eq(contentPurchases.status, 'pending')))
    .returning({ id: contentPurchases.id });
  if (granted.length === 0) throw notAllowed('This payment is no longer held for review');
  await enqueueConfirmationEmail(tx, purchaseId, now);
  await recordStripeCustomer(tx, purchaseId, idOf(session.customer));
}
