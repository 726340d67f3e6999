import type { StripeStubPromotionCode } from '../stripe-stub-types';
import type { StripeStubCheckoutSession } from './checkout-session-types';
import { type CouponStore, couponDiscount } from './coupon-store';
import { type ListPage, paginate, readListRequest } from './list-params';
import {
  type Discount,
  type PromotionCodeSpec,
  refusePromotionCodeSpec,
  type StripeStubPromotionCodeObject,
} from './promotion-code-types';
import { randomId } from './random-id';
import { mergeMetadata, readMetadata } from './read-metadata';
import {
  type Params,
  readBoolean,
  readObject,
  readParams,
  readString,
  rejectUnknownParams,
} from './read-params';
import { resolveSessionDiscount } from './resolve-session-discount';
import { invalidRequest, isStripeFailure, noSuch, type StripeFailure } from './stripe-error';

const CREATE_PARAMS = ['active', 'code', 'expand', 'metadata', 'promotion'];
const UPDATE_PARAMS = ['active', 'expand', 'metadata'];
const LIST_FILTERS = { active: readBoolean, code: readString, coupon: readString };

/**
 * The stub's Promotion Codes: `POST /v1/promotion_codes`, `GET /v1/promotion_codes` (filters
 * `code`, case-insensitive, `active`, `coupon`, `created`; cursor pagination),
 * `GET /v1/promotion_codes/:id`, `POST /v1/promotion_codes/:id` (`active`, `metadata`); codes
 * tests define ({@link PromotionCodeSpec}); and the codes buyers type on the checkout page, which
 * exist as a Dashboard would hold them (the same code always names the same promotion code and
 * coupon). Refusals are returned, never thrown.
 */
export function createPromotionCodes(nowSeconds: () => number, coupons: CouponStore) {
  const promotionCodes = new Map<string, StripeStubPromotionCodeObject>();

  function add(code: string, coupon: string, active: boolean, metadata: Record<string, string>) {
    const promotionCode: StripeStubPromotionCodeObject = {
      id: randomId('promo_', 24),
      object: 'promotion_code',
      code,
      active,
      promotion: { coupon, type: 'coupon' },
      customer: null,
      customer_account: null,
      expires_at: null,
      max_redemptions: null,
      restrictions: {
        first_time_transaction: false,
        minimum_amount: null,
        minimum_amount_currency: null,
      },
      times_redeemed: 0,
      metadata,
      created: nowSeconds(),
      livemode: false,
    };
    promotionCodes.set(promotionCode.id, promotionCode);
    return structuredClone(promotionCode);
  }

  /** The active promotion code typed as `code` (codes are case-insensitive on Stripe). */
  function findActive(code: string): StripeStubPromotionCodeObject | undefined {
    const typed = code.trim().toUpperCase();
    return [...promotionCodes.values()].find(
      (candidate) => candidate.active && candidate.code.toUpperCase() === typed,
    );
  }

  function discountOf(couponId: string, promotionCode: string | null, subtotal: number): Discount {
    const coupon = coupons.retrieve(couponId);
    const amount = coupon ? couponDiscount(coupon, subtotal) : 0;
    return { amount, redeemed: { coupon: couponId, promotion_code: promotionCode } };
  }

  return {
    /** `POST /v1/promotion_codes`: `promotion[type]=coupon`, `promotion[coupon]`, `code`, `active`, `metadata`. */
    create(params: Params): StripeStubPromotionCodeObject | StripeFailure {
      const refused = rejectUnknownParams(params, CREATE_PARAMS);
      if (refused) return refused;
      const promotion = readObject(params, 'promotion');
      if (isStripeFailure(promotion)) return promotion;
      if (promotion === undefined) {
        return invalidRequest('Missing required param: promotion.', {
          code: 'parameter_missing',
          param: 'promotion',
        });
      }
      const unknown = rejectUnknownParams(promotion, ['coupon', 'type'], 'promotion');
      if (unknown) return unknown;
      if (promotion.type !== 'coupon') {
        return invalidRequest('Invalid promotion[type]: must be one of coupon', {
          param: 'promotion[type]',
        });
      }
      const couponId = readString(promotion, 'coupon');
      if (isStripeFailure(couponId)) return couponId;
      if (couponId === undefined || !coupons.retrieve(couponId)) {
        return invalidRequest(`No such coupon: '${couponId ?? ''}'`, {
          code: 'resource_missing',
          param: 'promotion[coupon]',
        });
      }
      const read = readParams(params, {
        code: readString,
        active: readBoolean,
        metadata: readMetadata,
      });
      if (isStripeFailure(read)) return read;
      const { code, active, metadata } = read;
      if (code !== undefined && (active ?? true) && findActive(code)) {
        // Stripe keeps active codes unique (case-insensitive); its wording here is not documented.
        return invalidRequest(`An active promotion code with code: ${code} already exists.`, {
          param: 'code',
        });
      }
      const typed = code ?? randomId('', 8).toUpperCase();
      return add(typed, couponId, active ?? true, metadata?.metadata ?? {});
    },

    /** A code with its own new coupon, as a test defines it (see {@link PromotionCodeSpec}). */
    createFromSpec(spec: PromotionCodeSpec): StripeStubPromotionCodeObject | StripeFailure {
      const refused = refusePromotionCodeSpec(spec);
      if (refused) return refused;
      if ((spec.active ?? true) && findActive(spec.code)) {
        return invalidRequest(`An active promotion code with code: ${spec.code} already exists.`);
      }
      const coupon = coupons.createFromSpec(spec);
      return add(spec.code.trim(), coupon.id, spec.active ?? true, { ...spec.metadata });
    },

    retrieve(id: string): StripeStubPromotionCodeObject | undefined {
      const found = promotionCodes.get(id);
      return found && structuredClone(found);
    },

    /** `POST /v1/promotion_codes/:id`: `active` and `metadata` (merged; `''` deletes a key). */
    update(id: string, params: Params): StripeStubPromotionCodeObject | StripeFailure {
      const found = promotionCodes.get(id);
      if (!found) return noSuch('promotion_code', id);
      const refused = rejectUnknownParams(params, UPDATE_PARAMS);
      if (refused) return refused;
      const read = readParams(params, { active: readBoolean, metadata: readMetadata });
      if (isStripeFailure(read)) return read;
      const { active, metadata } = read;
      const merged = metadata ? mergeMetadata(found.metadata, metadata) : found.metadata;
      if (isStripeFailure(merged)) return merged;
      if (active !== undefined) found.active = active;
      found.metadata = merged;
      return structuredClone(found);
    },

    /** `GET /v1/promotion_codes`: newest first. */
    list(params: Params): ListPage<StripeStubPromotionCodeObject> | StripeFailure {
      const request = readListRequest(params, LIST_FILTERS);
      if (isStripeFailure(request)) return request;
      const { pagination, created } = request;
      const { active, code, coupon } = request.filters;
      const newestFirst = [...promotionCodes.values()]
        .reverse()
        .sort((a, b) => b.created - a.created);
      const page = paginate(
        newestFirst,
        (candidate) =>
          created(candidate.created) &&
          (active === undefined || candidate.active === active) &&
          (code === undefined || candidate.code.toUpperCase() === code.toUpperCase()) &&
          (coupon === undefined || candidate.promotion.coupon === coupon),
        pagination,
        'promotion_code',
      );
      if (isStripeFailure(page)) return page;
      return { data: page.data.map((found) => structuredClone(found)), has_more: page.has_more };
    },

    /** `discounts[index]` of a new session as its discount, or Stripe's refusal (see {@link resolveSessionDiscount}). */
    resolveSessionDiscount: (
      discount: Params,
      index: number,
      session: { currency: string; subtotal: number },
    ): Discount | StripeFailure =>
      resolveSessionDiscount(discount, index, session, {
        coupons,
        promotionCode: (id) => promotionCodes.get(id),
      }),

    /** The discount of a session created with `discounts`, on its subtotal. */
    sessionDiscount(session: StripeStubCheckoutSession): Discount {
      const [first] = session.discounts;
      if (!first?.coupon) return { amount: 0, redeemed: null };
      return discountOf(first.coupon, first.promotion_code, session.amount_subtotal);
    },

    /**
     * The code a buyer typed on the checkout page as its discount on `session`, or the refusal the
     * page would show: Stripe's page has no code field unless `allow_promotion_codes` is true. An
     * active code of that name is used; otherwise the spec becomes a promotion code (and coupon)
     * as the seller would have defined it in the Dashboard.
     */
    redeemOnPage(
      session: StripeStubCheckoutSession,
      promotionCode: StripeStubPromotionCode | undefined,
    ): Discount | StripeFailure {
      if (promotionCode === undefined) return { amount: 0, redeemed: null };
      const refused = refusePromotionCodeSpec(promotionCode);
      if (refused) return refused;
      if (session.allow_promotion_codes !== true) {
        return invalidRequest('This code is invalid.', { param: 'promotion_code' });
      }
      const existing = findActive(promotionCode.code);
      const redeemed =
        existing ??
        add(
          promotionCode.code.trim().toUpperCase(),
          coupons.createFromSpec(promotionCode).id,
          true,
          {},
        );
      return discountOf(redeemed.promotion.coupon, redeemed.id, session.amount_subtotal);
    },

    reset(): void {
      promotionCodes.clear();
    },
  };
}

/** The stub's Promotion Codes; see {@link createPromotionCodes}. */
export type PromotionCodes = ReturnType<typeof createPromotionCodes>;
