import type { StripeStubPromotionCode } from '../stripe-stub-types';
import { invalidRequest, type StripeFailure } from './stripe-error';

/**
 * A Promotion Code as the stub stores and serves it, in this API version's shape: the coupon sits
 * under `promotion: { coupon, type: 'coupon' }` (https://docs.stripe.com/api/promotion_codes/object).
 */
export type StripeStubPromotionCodeObject = {
  id: string;
  object: 'promotion_code';
  /** What the buyer types; case-insensitive. */
  code: string;
  active: boolean;
  promotion: { coupon: string; type: 'coupon' };
  customer: null;
  customer_account: null;
  expires_at: null;
  max_redemptions: null;
  restrictions: {
    first_time_transaction: false;
    minimum_amount: null;
    minimum_amount_currency: null;
  };
  times_redeemed: number;
  metadata: Record<string, string>;
  created: number;
  livemode: false;
};

/** What a session's discount takes off, and the ids Stripe names on it (null: no discount). */
export interface Discount {
  amount: number;
  redeemed: { coupon: string; promotion_code: string | null } | null;
}

/** A promotion code a test or the checkout page defines: its code and its coupon's terms. */
export interface PromotionCodeSpec extends StripeStubPromotionCode {
  /** For `amountOff`: the coupon's currency. Default: any (the stand-in then does not check it). */
  currency?: string;
  /** Default true. */
  active?: boolean;
  metadata?: Record<string, string>;
}

/** A spec's refusal: an empty code, not exactly one of the two terms, or a term out of range. */
export function refusePromotionCodeSpec({
  code,
  percentOff,
  amountOff,
}: StripeStubPromotionCode): StripeFailure | undefined {
  if (typeof code !== 'string' || code.trim() === '') {
    return invalidRequest('A promotion code needs a non-empty `code`.');
  }
  if ((percentOff === undefined) === (amountOff === undefined)) {
    return invalidRequest('A promotion code needs exactly one of `percentOff` and `amountOff`.');
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
  return undefined;
}
