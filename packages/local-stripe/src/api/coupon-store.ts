import { randomId } from './random-id';
import { readMetadata } from './read-metadata';
import {
  integerAtLeast,
  oneOf,
  type Params,
  readParams,
  readString,
  rejectUnknownParams,
} from './read-params';
import { invalidRequest, isStripeFailure, noSuch, type StripeFailure } from './stripe-error';

/** A Coupon as the stub stores and serves it (https://docs.stripe.com/api/coupons/object). */
export type StripeStubCoupon = {
  id: string;
  object: 'coupon';
  /** Minor units of `currency`; null for a percentage coupon. */
  amount_off: number | null;
  currency: string | null;
  /** 0 to 100 (exclusive of 0); null for an amount coupon. */
  percent_off: number | null;
  duration: 'once' | 'forever' | 'repeating';
  duration_in_months: null;
  name: string | null;
  max_redemptions: null;
  redeem_by: null;
  times_redeemed: number;
  valid: boolean;
  metadata: Record<string, string>;
  created: number;
  livemode: false;
};

/** A coupon a test defines directly: a percentage (1 to 100) or an amount in `currency`. */
export interface CouponSpec {
  percentOff?: number;
  amountOff?: number;
  currency?: string;
  name?: string;
}

const COUPON_PARAMS = [
  'amount_off',
  'currency',
  'duration',
  'expand',
  'id',
  'metadata',
  'name',
  'percent_off',
];
const DURATIONS = ['once', 'forever', 'repeating'] as const;

/**
 * The stub's Coupons: `POST /v1/coupons` (`percent_off` or `amount_off` with `currency`, `name`,
 * `metadata`, `duration`, an optional own `id`) and `GET /v1/coupons/:id`, plus coupons made from
 * a {@link CouponSpec} for the promotion codes tests and the checkout page define. Pure state;
 * returns copies or Stripe's refusal, never throws.
 */
export function createCouponStore(nowSeconds: () => number) {
  const coupons = new Map<string, StripeStubCoupon>();

  function add(fields: Partial<StripeStubCoupon> & { id?: string }): StripeStubCoupon {
    const coupon: StripeStubCoupon = {
      id: fields.id ?? randomId('', 8),
      object: 'coupon',
      amount_off: fields.amount_off ?? null,
      currency: fields.currency ?? null,
      percent_off: fields.percent_off ?? null,
      duration: fields.duration ?? 'once',
      duration_in_months: null,
      name: fields.name ?? null,
      max_redemptions: null,
      redeem_by: null,
      times_redeemed: 0,
      valid: true,
      metadata: fields.metadata ?? {},
      created: nowSeconds(),
      livemode: false,
    };
    coupons.set(coupon.id, coupon);
    return structuredClone(coupon);
  }

  return {
    /** `POST /v1/coupons`. */
    create(params: Params): StripeStubCoupon | StripeFailure {
      const refused = rejectUnknownParams(params, COUPON_PARAMS);
      if (refused) return refused;
      const read = readParams(params, {
        percent_off: readPercent,
        amount_off: integerAtLeast(1),
        currency: readString,
        duration: oneOf(DURATIONS),
        name: readString,
        id: readString,
        metadata: readMetadata,
      });
      if (isStripeFailure(read)) return read;
      const { percent_off: percentOff, amount_off: amountOff, currency, id } = read;
      if ((percentOff === undefined) === (amountOff === undefined)) {
        return invalidRequest(
          'You must pass exactly one of these parameters: amount_off, percent_off.',
        );
      }
      if (amountOff !== undefined && currency === undefined) {
        return invalidRequest('You must pass currency when passing amount_off.', {
          param: 'currency',
        });
      }
      if (id !== undefined && coupons.has(id)) {
        return invalidRequest('Coupon already exists.', {
          code: 'resource_already_exists',
          param: 'id',
        });
      }
      return add({
        ...(id === undefined ? {} : { id }),
        ...(percentOff === undefined ? {} : { percent_off: percentOff }),
        ...(amountOff === undefined ? {} : { amount_off: amountOff }),
        ...(currency === undefined ? {} : { currency: currency.toLowerCase() }),
        ...(read.duration === undefined ? {} : { duration: read.duration }),
        ...(read.name === undefined ? {} : { name: read.name }),
        metadata: read.metadata?.metadata ?? {},
      });
    },

    /** A coupon from a test's or the checkout page's definition; throws nothing, checks nothing. */
    createFromSpec({ percentOff, amountOff, currency, name }: CouponSpec): StripeStubCoupon {
      return add({
        ...(percentOff === undefined ? {} : { percent_off: percentOff }),
        ...(amountOff === undefined ? {} : { amount_off: amountOff, currency: currency ?? null }),
        ...(name === undefined ? {} : { name }),
      });
    },

    retrieve(id: string): StripeStubCoupon | undefined {
      const coupon = coupons.get(id);
      return coupon && structuredClone(coupon);
    },

    /** `GET /v1/coupons/:id`, or Stripe's 404. */
    find(id: string): StripeStubCoupon | StripeFailure {
      const coupon = coupons.get(id);
      return coupon ? structuredClone(coupon) : noSuch('coupon', id);
    },

    reset(): void {
      coupons.clear();
    },
  };
}

/** The stub's Coupons; see {@link createCouponStore}. */
export type CouponStore = ReturnType<typeof createCouponStore>;

/** What a coupon takes off a subtotal: its percentage (rounded) or its amount, at most the subtotal. */
export function couponDiscount(coupon: StripeStubCoupon, subtotal: number): number {
  if (coupon.percent_off !== null) return Math.round((subtotal * coupon.percent_off) / 100);
  return Math.min(coupon.amount_off ?? 0, subtotal);
}

function readPercent(params: Params): number | undefined | StripeFailure {
  const value = readString(params, 'percent_off');
  if (typeof value !== 'string') return value;
  const percent = Number(value);
  if (value.trim() === '' || !Number.isFinite(percent) || percent <= 0 || percent > 100) {
    return invalidRequest('Invalid percent_off: must be greater than 0 and at most 100.', {
      param: 'percent_off',
    });
  }
  return percent;
}
