import { MINIMUM_CHARGE_CENTS, THREE_DECIMAL_CURRENCIES, taxBehaviors } from '@codex/database';
import type {
  CheckoutBuyer,
  CheckoutSessionParamsOptions,
} from '../checkout/checkout-session-params';

// Every value each option of `checkoutSessionParams` that shapes the Stripe request can take, so a
// test can send every combination the builder can produce. The lists follow the builder's option
// types: the compile-time checks below fail when an option, a term or a buyer field is added that
// no list covers, so a change to the builder comes with its cases.

type Terms = CheckoutSessionParamsOptions['terms'];

/**
 * The buyer forms `CheckoutBuyer` allows: the returning buyer's Customer; a first-time buyer for
 * whom Checkout creates the Customer (`new`), with or without an address; without Customer reuse,
 * an address only, or nothing.
 */
export type BuyerForm = 'customer' | 'new with email' | 'new' | 'email' | 'anonymous';

/** Each buyer form as the builder is given it, for a Customer id and an e-mail address. */
export function buyerOf(form: BuyerForm, customer: string, email: string): CheckoutBuyer {
  switch (form) {
    case 'customer':
      return { customer };
    case 'new with email':
      return { email, createCustomer: true };
    case 'new':
      return { email: undefined, createCustomer: true };
    case 'email':
      return { email, createCustomer: false };
    case 'anonymous':
      return { email: undefined, createCustomer: false };
  }
}

/** Every value of every term (`satisfies` fails to compile when `terms` gains a field). */
export const termValues = {
  taxBehavior: [null, ...taxBehaviors],
} as const satisfies { [K in keyof Terms]-?: ReadonlyArray<Terms[K]> };

export const buyerForms: ReadonlyArray<BuyerForm> = [
  'customer',
  'new with email',
  'new',
  'email',
  'anonymous',
];

/** A verified promotion code attached (the test's real code at the stand-in), or none. */
export const promotionCodeForms = ['code', 'no code'] as const;
export type PromotionCodeForm = (typeof promotionCodeForms)[number];

/** The item's description: present, or absent (null: the builder leaves it out). */
export const descriptions: ReadonlyArray<string | null> = ['Forty minutes on sourdough', null];

/** A price to sell at: a currency and an amount in its smallest unit. */
export interface Price {
  currency: string;
  priceCents: number;
}

/**
 * Prices at and above Stripe's minimum charge, from the table checkout itself charges by
 * (`MINIMUM_CHARGE_CENTS` in `@codex/database`): every listed currency at its minimum, a few above
 * it (a zero-decimal and a two-decimal one), and a three-decimal currency in multiples of 10.
 */
export function chargeablePrices(): Price[] {
  const atMinimum = Object.entries(MINIMUM_CHARGE_CENTS).map(([currency, priceCents]) => ({
    currency,
    priceCents,
  }));
  const [threeDecimal = 'kwd'] = THREE_DECIMAL_CURRENCIES;
  return [
    ...atMinimum,
    { currency: 'usd', priceCents: 1999 },
    { currency: 'jpy', priceCents: 1200 },
    { currency: threeDecimal, priceCents: 1000 },
  ];
}

/** One combination of everything the builder's output depends on. */
export interface CheckoutOptionSet {
  buyer: BuyerForm;
  terms: Terms;
  promotionCode: PromotionCodeForm;
  description: string | null;
  price: Price;
}

/**
 * Every combination of buyer form, terms and description, at each of `prices`: the cartesian
 * product, in a stable order.
 */
export function checkoutOptionSets(prices: ReadonlyArray<Price>): CheckoutOptionSet[] {
  const sets: CheckoutOptionSet[] = [];
  for (const buyer of buyerForms) {
    for (const promotionCode of promotionCodeForms) {
      for (const taxBehavior of termValues.taxBehavior) {
        for (const description of descriptions) {
          for (const price of prices) {
            sets.push({ buyer, terms: { taxBehavior }, promotionCode, description, price });
          }
        }
      }
    }
  }
  return sets;
}

/** A readable name of a set, e.g. `customer · code · tax exclusive · described · usd 50`. */
export function describeOptionSet(set: CheckoutOptionSet): string {
  const { buyer, terms, description, price } = set;
  return [
    buyer,
    set.promotionCode,
    terms.taxBehavior ? `tax ${terms.taxBehavior}` : 'no tax',
    description === null ? 'no description' : 'described',
    `${price.currency} ${price.priceCents}`,
  ].join(' · ');
}

// Compile-time coverage of the builder's option types. Each alias is `true` only while the lists
// above cover the type; a new option, term or buyer field makes the assignment fail to compile.
type IsNever<T> = [T] extends [never] ? true : false;
type BuyerFields = CheckoutBuyer extends infer B ? (B extends unknown ? keyof B : never) : never;
/** Options the enumeration varies (`buyer`, `terms`, the item) or fixes per request (the rest). */
type CoveredOption =
  | 'buyer'
  | 'terms'
  | 'promotionCodeId'
  | 'item'
  | 'purchaseId'
  | 'customerId'
  | 'webAppUrl'
  | 'now'
  | 'ttlMinutes';
type CoveredItemField =
  | 'id'
  | 'organizationId'
  | 'title'
  | 'description'
  | 'priceCents'
  | 'currency';
export const everyOptionIsCovered: IsNever<
  Exclude<keyof CheckoutSessionParamsOptions, CoveredOption>
> = true;
export const everyItemFieldIsCovered: IsNever<
  Exclude<keyof CheckoutSessionParamsOptions['item'], CoveredItemField>
> = true;
export const everyBuyerFieldIsCovered: IsNever<
  Exclude<BuyerFields, 'customer' | 'email' | 'createCustomer'>
> = true;
