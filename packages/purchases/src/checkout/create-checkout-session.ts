import {
  PurchaseError,
  paymentProviderNotConfigured,
  priceNotChargeable,
  promotionCodeInvalid,
} from '../purchase-error';
import type { CheckoutContext } from './checkout-context';
import { claimPurchaseSlot } from './claim-purchase-slot';
import { findPromotionCode, type OrganizationPromotionCode } from './find-promotion-code';
import { resumePendingCheckout } from './resume-pending-checkout';
import { startPaidCheckout } from './start-paid-checkout';

/** What `createCheckoutSession` can answer besides a refusal (`PurchaseError`). */
export type CheckoutResult =
  | { status: 'checkout_created'; purchaseId: string; sessionId: string; checkoutUrl: string }
  | { status: 'checkout_reused'; purchaseId: string; sessionId: string; checkoutUrl: string }
  | { status: 'free_access_granted'; purchaseId: string };

/** Optional details of one checkout. */
export interface CheckoutOptions {
  /**
   * The buyer's address (the token's `email` claim), if known: kept with the purchase for its
   * confirmation and revocation e-mails, and given to Stripe so its own receipt goes out too: as
   * the reused Customer's e-mail with `reuseStripeCustomers`, else as the session's
   * `customer_email`. Without it no e-mail is sent for this purchase. Never logged.
   */
  customerEmail?: string | undefined;
  /**
   * A promotion code the buyer typed. Accepted only with `allowPromotionCodes`, when Stripe knows
   * it as active and it belongs to the item's organization (`metadata.organizationId`); it is then
   * the session's one discount. Anything else is `PROMOTION_CODE_INVALID`, with nothing written.
   */
  promotionCode?: string | undefined;
}

// Each round either returns or retires one stale pending purchase; more than this means a bug.
const MAX_ROUNDS = 4;

/**
 * Starts (or resumes) the purchase of `contentId` by `customerId`; see
 * `CheckoutService.createCheckoutSession` for what it answers and throws. Every guarantee that
 * matters under concurrency is settled by Postgres (the partial unique index on the purchase slot,
 * conditional updates); this only decides what to do next.
 */
export async function createCheckoutSession(
  ctx: CheckoutContext,
  customerId: string,
  contentId: string,
  options: CheckoutOptions = {},
): Promise<CheckoutResult> {
  const canPay = ctx.stripe !== undefined;
  let promotionCode: OrganizationPromotionCode | undefined;
  if (options.promotionCode !== undefined) {
    if (!ctx.terms.allowPromotionCodes) throw promotionCodeInvalid();
    if (!canPay) throw paymentProviderNotConfigured();
    promotionCode = await findPromotionCode(ctx, options.promotionCode);
    if (!promotionCode) throw promotionCodeInvalid();
  }
  for (let round = 0; round < MAX_ROUNDS; round++) {
    // One round trip: the content, the customer's active purchase, and the new purchase when
    // the slot is free (completed at once when free, pending when paid and Stripe is there).
    // With customer reuse, the buyer's Stripe Customer comes in the same statement.
    const claim = await claimPurchaseSlot(ctx.hot, {
      customerId,
      contentId,
      canPay,
      now: ctx.clock(),
      customerEmail: options.customerEmail,
      terms: ctx.terms,
      promotionCode,
    });
    const { item, chargeable, active, insertedId, stripeCustomer } = claim;
    if (item?.status !== 'published') {
      throw new PurchaseError('CONTENT_NOT_FOUND', 'Content not found');
    }
    if (active?.status === 'completed') {
      throw new PurchaseError('ALREADY_PURCHASED', 'This content has already been purchased');
    }
    // Nothing was written: Stripe would refuse every payment of this price.
    if (!active && !chargeable) throw priceNotChargeable();
    // Nothing was written: another organization's code never lowers this item's price.
    if (!claim.promotionMatches) throw promotionCodeInvalid();
    // Nothing was written: without Stripe a paid checkout cannot start (or resume).
    if (item.priceCents > 0 && !canPay) throw paymentProviderNotConfigured();
    if (active) {
      // Nothing was inserted: the slot is held by this pending purchase.
      const outcome = await resumePendingCheckout(ctx, active, item, promotionCode?.id ?? null);
      if (outcome !== 'start_over') return outcome;
      continue; // retired, or linked to its session meanwhile: read again
    }
    if (!insertedId) continue; // another request took the slot first: the next round finds it

    if (item.priceCents === 0) {
      ctx.logger.info('free access granted', { purchaseId: insertedId, contentId: item.id });
      return { status: 'free_access_granted', purchaseId: insertedId };
    }
    const created = await startPaidCheckout(ctx, {
      purchaseId: insertedId,
      customerId,
      item,
      customerEmail: options.customerEmail,
      stripeCustomer,
      promotionCodeId: promotionCode?.id,
    });
    if (created) return created;
  }
  throw new Error('createCheckoutSession: no stable outcome after repeated contention');
}
