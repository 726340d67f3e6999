import { and, contentPurchases, eq, isNull } from '@codex/database';
import Stripe from 'stripe';
import { expireOpenSession } from '../fulfillment/expire-open-session';
import { isDelayedPaymentFailed } from '../fulfillment/settle-session';
import { PurchaseError } from '../purchase-error';
import {
  type CheckoutContext,
  failPending,
  providerError,
  requireCheckoutStripe,
} from './checkout-context';
import type { ActivePurchase, PurchasableContent } from './claim-purchase-slot';
import type { CheckoutResult } from './create-checkout-session';

// A session with less time than this left is not handed out again: the buyer could not finish.
const REUSE_MIN_REMAINING_MS = 5 * 60_000;

const alreadyBeingPaid = () =>
  new PurchaseError(
    'ALREADY_PURCHASED',
    'A payment for this content has already been made and is being processed',
  );

/**
 * Decides what the customer's pending purchase of `item` means now: its open session handed out
 * again (`checkout_reused`), or `start_over` after retiring it (expired, abandoned, unknown to
 * Stripe, its delayed payment failed, the content became free, or another promotion code is asked
 * for) or after waiting for a concurrent request to link it. Throws `ALREADY_PURCHASED` when its session is already paid at Stripe.
 */
export async function resumePendingCheckout(
  ctx: CheckoutContext,
  pending: ActivePurchase,
  item: PurchasableContent,
  promotionCodeId: string | null,
): Promise<CheckoutResult | 'start_over'> {
  // Became free while a paid checkout was open (the free grant replaces it), or asked again with
  // another promotion code (a session carries exactly the code it was created with): the old
  // session is closed at Stripe first, so nobody pays it at the old price.
  const replacedBy =
    item.priceCents === 0
      ? 'content is now free'
      : (pending.promotionCodeId ?? null) !== promotionCodeId
        ? 'another promotion code'
        : undefined;
  if (replacedBy) {
    if (pending.stripeCheckoutSessionId && ctx.stripe) {
      await expireUnpaidSession(ctx, pending.id, pending.stripeCheckoutSessionId);
    }
    await failPending(ctx, pending.id, replacedBy);
    return 'start_over';
  }

  const sessionId = pending.stripeCheckoutSessionId;
  if (!sessionId) {
    // Being set up by a concurrent request, or abandoned: wait, then read it again.
    await waitForSessionId(ctx, pending);
    return 'start_over';
  }

  // The common second click: the session we stored is open long enough, no Stripe call needed.
  // (If the buyer paid meanwhile, the same URL shows Stripe's own "already paid" page; fulfillment
  // grants access either way, so nobody can pay twice.)
  const expiresAt = pending.stripeCheckoutExpiresAt?.getTime() ?? 0;
  if (pending.stripeCheckoutUrl && expiresAt - ctx.clock().getTime() > REUSE_MIN_REMAINING_MS) {
    return reused(ctx, pending.id, sessionId, pending.stripeCheckoutUrl);
  }

  const stripe = requireCheckoutStripe(ctx);
  let session: Stripe.Checkout.Session;
  try {
    session = await stripe.checkout.sessions.retrieve(sessionId, { expand: ['payment_intent'] });
  } catch (error) {
    if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404) {
      await failPending(ctx, pending.id, 'checkout session unknown to Stripe');
      return 'start_over';
    }
    throw providerError(ctx, error, 'retrieve checkout session', pending.id);
  }

  if (isDelayedPaymentFailed(session)) {
    // The bank debit failed (its webhook may be lost): this attempt is over, start a new one.
    await failPending(ctx, pending.id, 'delayed payment failed');
    return 'start_over';
  }
  // Paid (or being paid) at Stripe; fulfillment will complete the purchase. Never charge twice.
  if (session.status === 'complete') throw alreadyBeingPaid();
  const remainingMs = session.expires_at * 1000 - ctx.clock().getTime();
  if (session.status === 'open' && session.url && remainingMs > REUSE_MIN_REMAINING_MS) {
    return reused(ctx, pending.id, sessionId, session.url);
  }
  if (session.status === 'open') {
    // About to expire: close it at Stripe so it cannot be paid after we replace it.
    try {
      await stripe.checkout.sessions.expire(sessionId);
    } catch (error) {
      throw providerError(ctx, error, 'expire checkout session', pending.id);
    }
  }
  await failPending(ctx, pending.id, 'checkout session expired');
  return 'start_over';
}

function reused(
  ctx: CheckoutContext,
  purchaseId: string,
  sessionId: string,
  checkoutUrl: string,
): CheckoutResult {
  ctx.logger.info('checkout session reused', { purchaseId, sessionId });
  return { status: 'checkout_reused', purchaseId, sessionId, checkoutUrl };
}

/**
 * A pending purchase without a session id is either being set up by a concurrent request (the
 * Stripe call is in flight) or was abandoned by a request that died. Waits for the former; retires
 * the latter once the grace period has passed. Returns the session id, or undefined if retired.
 */
async function waitForSessionId(
  ctx: CheckoutContext,
  pending: ActivePurchase,
): Promise<string | undefined> {
  const remainingMs = pending.createdAt.getTime() + ctx.graceMs - ctx.clock().getTime();
  const polls = Math.ceil(Math.max(0, remainingMs) / ctx.pollMs);
  for (let poll = 0; poll < polls; poll++) {
    await new Promise((resolve) => setTimeout(resolve, ctx.pollMs));
    const [row] = await ctx.db
      .select({
        status: contentPurchases.status,
        sessionId: contentPurchases.stripeCheckoutSessionId,
      })
      .from(contentPurchases)
      .where(eq(contentPurchases.id, pending.id));
    if (row?.status !== 'pending') return undefined; // failed meanwhile: start over
    if (row.sessionId) return row.sessionId;
  }
  // Only retire it if it is still sessionless: the creator may have finished just now.
  const retired = await ctx.db
    .update(contentPurchases)
    .set({ status: 'failed' })
    .where(
      and(
        eq(contentPurchases.id, pending.id),
        eq(contentPurchases.status, 'pending'),
        isNull(contentPurchases.stripeCheckoutSessionId),
      ),
    )
    .returning({ id: contentPurchases.id });
  if (retired.length > 0) {
    ctx.logger.warn('abandoned pending purchase retired', { purchaseId: pending.id });
  }
  return undefined;
}

/**
 * Expires an open session at Stripe (`expireOpenSession`, shared with fulfillment). A session
 * that is already complete was paid (or a delayed payment is under way): refused as
 * `ALREADY_PURCHASED`, nothing changes here.
 */
async function expireUnpaidSession(
  ctx: CheckoutContext,
  purchaseId: string,
  sessionId: string,
): Promise<void> {
  const stripe = requireCheckoutStripe(ctx);
  const outcome = await expireOpenSession(stripe, sessionId).catch((error: unknown) => {
    throw providerError(ctx, error, 'expire checkout session', purchaseId);
  });
  if (outcome === 'being_paid') throw alreadyBeingPaid();
}
