import { and, contentPurchases, eq, queryRows } from '@codex/database';
import Stripe from 'stripe';
import { priceNotChargeable, promotionCodeInvalid } from '../purchase-error';
import { checkoutBuyer } from './checkout-buyer';
import {
  type CheckoutContext,
  failPending,
  providerError,
  requireCheckoutStripe,
} from './checkout-context';
import { checkoutSessionIdempotencyKey, checkoutSessionParams } from './checkout-session-params';
import type { PurchasableContent, StripeCustomerMapping } from './claim-purchase-slot';
import type { CheckoutResult } from './create-checkout-session';

/** The purchase just inserted, and what its session needs besides the content. */
export interface PaidCheckoutStart {
  purchaseId: string;
  customerId: string;
  item: PurchasableContent;
  customerEmail: string | undefined;
  /** The buyer's Stripe Customer, if the claim found one mapped. */
  stripeCustomer: StripeCustomerMapping | undefined;
  /** The verified promotion code the purchase recorded, attached as the session's discount. */
  promotionCodeId?: string | undefined;
}

/**
 * Creates the Stripe session of a pending purchase just inserted (the row comes first: audit
 * trail, and the unique index settles races) and links it. Undefined when the purchase was
 * retired meanwhile (the caller starts over). A Stripe failure fails the purchase and throws
 * `PAYMENT_PROVIDER_ERROR`, or the final refusal it stands for (`PRICE_NOT_CHARGEABLE`,
 * `PROMOTION_CODE_INVALID`).
 */
export async function startPaidCheckout(
  ctx: CheckoutContext,
  start: PaidCheckoutStart,
): Promise<CheckoutResult | undefined> {
  const { purchaseId, customerId, item } = start;
  const stripe = requireCheckoutStripe(ctx);
  let session: Stripe.Checkout.Session;
  try {
    const buyer = await checkoutBuyer(ctx, customerId, start.stripeCustomer, start.customerEmail);
    session = await stripe.checkout.sessions.create(
      checkoutSessionParams({
        purchaseId,
        customerId,
        item,
        buyer,
        terms: ctx.terms,
        promotionCodeId: start.promotionCodeId,
        webAppUrl: ctx.webAppUrl,
        now: ctx.clock(),
        ttlMinutes: ctx.ttlMinutes,
      }),
      { idempotencyKey: checkoutSessionIdempotencyKey(purchaseId) },
    );
  } catch (error) {
    await failPending(ctx, purchaseId, 'checkout session creation failed');
    if (error instanceof Stripe.errors.StripeInvalidRequestError) {
      // Below Stripe's minimum charge: with a code, the discount took the amount due under it
      // (the code cannot be used for this item); without, a currency our table does not list.
      // Final either way, not an outage.
      if (error.code === 'amount_too_small') {
        ctx.logger.warn('amount due below Stripe minimum charge', {
          purchaseId,
          contentId: item.id,
        });
        throw start.promotionCodeId ? promotionCodeInvalid() : priceNotChargeable();
      }
      // The code expired or ran out of redemptions since it was looked up.
      if (start.promotionCodeId && error.param?.startsWith('discounts')) {
        throw promotionCodeInvalid();
      }
    }
    throw providerError(ctx, error, 'create checkout session', purchaseId);
  }
  if (!session.url) {
    await failPending(ctx, purchaseId, 'checkout session has no URL');
    throw providerError(
      ctx,
      new Error('Stripe returned a checkout session without a URL'),
      'create checkout session',
      purchaseId,
    );
  }

  const link = ctx.db
    .update(contentPurchases)
    .set({
      stripeCheckoutSessionId: session.id,
      stripeCheckoutUrl: session.url,
      stripeCheckoutExpiresAt: new Date(session.expires_at * 1000),
    })
    .where(and(eq(contentPurchases.id, purchaseId), eq(contentPurchases.status, 'pending')))
    .returning({ id: contentPurchases.id });
  const linked = await queryRows(ctx.hot, link.getSQL());
  if (linked.length === 0) {
    // Retired as abandoned while Stripe was slow: make the orphan session unpayable and start over.
    await stripe.checkout.sessions.expire(session.id).catch((error: unknown) => {
      ctx.logger.trackError(error, { purchaseId, sessionId: session.id });
    });
    return undefined;
  }

  ctx.logger.info('checkout session created', {
    purchaseId,
    contentId: item.id,
    sessionId: session.id,
    amount: item.priceCents,
    currency: item.currency,
  });
  return {
    status: 'checkout_created',
    purchaseId,
    sessionId: session.id,
    checkoutUrl: session.url,
  };
}
