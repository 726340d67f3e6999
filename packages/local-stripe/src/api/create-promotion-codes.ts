import type { StripeStubPromotionCode } from '../stripe-stub-types';
import type { StripeStubCheckoutSession } from './checkout-session-types';
import { randomId } from './random-id';
import { invalidRequest, type StripeFailure } from './stripe-error';

/** What a redeemed code takes off a session, and the ids Stripe names on it (null: no code). */
export interface Discount {
  amount: number;
  redeemed: { coupon: string; promotion_code: string } | null;
}

/**
 * The promotion codes buyers redeemed: one promotion code (and its coupon) per code typed, as a
 * Dashboard would hold them, so the same code always gets the same ids. Refusals are returned,
 * never thrown.
 */
export function createPromotionCodes() {
  const promotionCodes = new Map<string, { coupon: string; promotion_code: string }>();

  return {
    /** The redeemed code's discount on `session`, or the refusal the hosted page would show. */
    readDiscount(
      session: StripeStubCheckoutSession,
      promotionCode: StripeStubPromotionCode | undefined,
    ): Discount | StripeFailure {
      if (promotionCode === undefined) return { amount: 0, redeemed: null };
      const { code, percentOff, amountOff } = promotionCode;
      if (typeof code !== 'string' || code.trim() === '') {
        return invalidRequest('A promotion code needs a non-empty `code`.');
      }
      // Stripe's hosted page shows no code field then; one typed anyway is simply not accepted.
      if (session.allow_promotion_codes !== true) {
        return invalidRequest('This code is invalid.', { param: 'promotion_code' });
      }
      if ((percentOff === undefined) === (amountOff === undefined)) {
        return invalidRequest(
          'A promotion code needs exactly one of `percentOff` and `amountOff`.',
        );
      }
      if (
        percentOff !== undefined &&
        !(Number.isFinite(percentOff) && percentOff >= 1 && percentOff <= 100)
      ) {
        return invalidRequest(`\`percentOff\` must be 1 to 100, not ${percentOff}.`);
      }
      if (amountOff !== undefined && !(Number.isSafeInteger(amountOff) && amountOff >= 1)) {
        return invalidRequest(
          `\`amountOff\` must be a positive integer (minor units), not ${amountOff}.`,
        );
      }
      const subtotal = session.amount_subtotal;
      const amount =
        percentOff === undefined
          ? Math.min(amountOff ?? 0, subtotal)
          : Math.round((subtotal * percentOff) / 100);
      // Customer-facing codes are case-insensitive on Stripe.
      const key = code.trim().toUpperCase();
      let redeemed = promotionCodes.get(key);
      if (!redeemed) {
        redeemed = { coupon: randomId('', 8), promotion_code: randomId('promo_', 24) };
        promotionCodes.set(key, redeemed);
      }
      return { amount, redeemed: { ...redeemed } };
    },

    reset(): void {
      promotionCodes.clear();
    },
  };
}
