import type Stripe from 'stripe';
import { checkoutSessionParams } from '../checkout/checkout-session-params';
import { type CheckoutOptionSet, checkoutOptionSets } from './checkout-option-sets';
import {
  EMAIL,
  optionsOf,
  PRICE,
  promotionCode,
  reusedCustomer,
  sessionLifecycle,
} from './stripe-contract-sessions';
import {
  type ContractCase,
  type ContractTarget,
  type Observation,
  refused,
} from './stripe-contract-target';

/** A variant: the builder's output for `set` with `extra` parameters (what the next builder sends). */
function variant(
  name: string,
  set: CheckoutOptionSet,
  expected: Record<string, Observation>,
  extra: (target: ContractTarget) => Promise<Partial<Stripe.Checkout.SessionCreateParams>>,
): ContractCase {
  return {
    name: `session variant: ${name}`,
    expected,
    async run(target) {
      const options = optionsOf(set, await reusedCustomer(target));
      const params = { ...checkoutSessionParams(options), ...(await extra(target)) };
      return sessionLifecycle(target, params, `contract:${target.runId}:${options.purchaseId}`);
    },
  };
}

/**
 * The session cases beyond the builder's output: what Stripe refuses of requests the builder never
 * sends (each a rule it keeps), so the two targets are compared on the refusals too.
 */
export function sessionVariantCases(): ContractCase[] {
  const sets = checkoutOptionSets([PRICE]).filter((set) => set.description !== null);
  const find = (buyer: CheckoutOptionSet['buyer'], code: boolean, tax: boolean) =>
    sets.find(
      (set) =>
        set.buyer === buyer &&
        (set.promotionCode === 'code') === code &&
        (set.terms.taxBehavior !== null) === tax,
    ) as CheckoutOptionSet;
  const plain = find('email', false, false);
  const taxedReuse = find('customer', false, true);
  return [
    variant(
      'automatic tax with a Customer without address and no customer_update',
      taxedReuse,
      { created: refused('customer_tax_location_invalid', null) },
      async () => ({ customer_update: undefined }),
    ),
    variant(
      'customer_creation with customer',
      find('customer', false, false),
      { created: refused(null, 'customer') },
      async () => ({ customer_creation: 'always' }),
    ),
    variant(
      'customer_update without customer',
      plain,
      { created: refused(null, 'customer_update') },
      async () => ({ customer_update: { address: 'auto' } }),
    ),
    variant(
      'discounts with allow_promotion_codes',
      plain,
      { created: refused(null, 'allow_promotion_codes') },
      async (target) => ({
        allow_promotion_codes: true,
        discounts: [{ promotion_code: await promotionCode(target) }],
      }),
    ),
    variant(
      'an unknown promotion code',
      plain,
      { created: refused('resource_missing', 'discounts[0][promotion_code]') },
      async () => ({ discounts: [{ promotion_code: 'promo_contract_unknown' }] }),
    ),
    variant(
      'customer with customer_email',
      find('customer', false, false),
      { created: refused(null, 'customer_email') },
      async () => ({ customer_email: EMAIL }),
    ),
    variant(
      'below the minimum charge',
      plain,
      { created: refused('amount_too_small', null) },
      async () => ({
        line_items: [
          {
            quantity: 1,
            price_data: { currency: 'usd', unit_amount: 49, product_data: { name: 'Too cheap' } },
          },
        ],
      }),
    ),
    variant(
      'an unknown parameter',
      plain,
      { created: refused('parameter_unknown', 'contract_unknown') },
      async () => ({ contract_unknown: 'x' }) as Partial<Stripe.Checkout.SessionCreateParams>,
    ),
    variant(
      'a 41-character metadata key',
      plain,
      { created: refused(null, 'metadata') },
      async () => ({ metadata: { ['k'.repeat(41)]: 'v' } }),
    ),
    variant(
      'expires_at 10 minutes ahead',
      plain,
      { created: refused(null, 'expires_at') },
      async () => ({ expires_at: Math.floor(Date.now() / 1000) + 600 }),
    ),
  ];
}
