import { type CouponStore, couponDiscount } from './coupon-store';
import type { Discount, StripeStubPromotionCodeObject } from './promotion-code-types';
import { type Params, readParams, readString, rejectUnknownParams } from './read-params';
import { invalidRequest, isStripeFailure, type StripeFailure } from './stripe-error';

/** Where a session's discount is looked up. */
export interface SessionDiscountLookup {
  coupons: CouponStore;
  promotionCode: (id: string) => StripeStubPromotionCodeObject | undefined;
}

/**
 * `discounts[index]` of a new Checkout Session (`{ promotion_code }` or `{ coupon }`, exactly one:
 * https://docs.stripe.com/api/checkout/sessions/create#create_checkout_session-discounts) as its
 * discount on the session's subtotal, or Stripe's refusal: an unknown id (`resource_missing`,
 * naming `discounts[i][promotion_code]` or `discounts[i][coupon]`), an inactive code, an amount
 * coupon in another currency (the wording of the last two is not documented).
 */
export function resolveSessionDiscount(
  discount: Params,
  index: number,
  session: { currency: string; subtotal: number },
  { coupons, promotionCode }: SessionDiscountLookup,
): Discount | StripeFailure {
  const prefix = `discounts[${index}]`;
  const refused = rejectUnknownParams(discount, ['coupon', 'promotion_code'], prefix);
  if (refused) return refused;
  const read = readParams(discount, { promotion_code: readString, coupon: readString });
  if (isStripeFailure(read)) return read;
  const { promotion_code: promotionId, coupon: couponParam } = read;
  if ((promotionId === undefined) === (couponParam === undefined)) {
    return invalidRequest(
      `You must pass exactly one of these parameters: ${prefix}[coupon], ${prefix}[promotion_code].`,
      { param: prefix },
    );
  }
  let couponId = couponParam;
  if (promotionId !== undefined) {
    const param = `${prefix}[promotion_code]`;
    const found = promotionCode(promotionId);
    if (!found) {
      return invalidRequest(`No such promotion code: '${promotionId}'`, {
        code: 'resource_missing',
        param,
      });
    }
    if (!found.active) {
      return invalidRequest(`This promotion code is inactive: '${promotionId}'`, { param });
    }
    couponId = found.promotion.coupon;
  }
  const coupon = couponId === undefined ? undefined : coupons.retrieve(couponId);
  if (!coupon) {
    return invalidRequest(`No such coupon: '${couponId ?? ''}'`, {
      code: 'resource_missing',
      param: `${prefix}[coupon]`,
    });
  }
  if (
    coupon.amount_off !== null &&
    coupon.currency !== null &&
    coupon.currency !== session.currency
  ) {
    return invalidRequest(
      `The coupon ${coupon.id} is for ${coupon.currency} and cannot be applied to a session in ${session.currency}.`,
      { param: prefix },
    );
  }
  return {
    amount: couponDiscount(coupon, session.subtotal),
    redeemed: { coupon: coupon.id, promotion_code: promotionId ?? null },
  };
}
