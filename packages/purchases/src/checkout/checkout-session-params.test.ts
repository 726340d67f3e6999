import { randomUUID } from 'node:crypto';
import { MINIMUM_CHARGE_CENTS } from '@codex/database';
import { type StripeStub, startStripeStub } from '@codex/local-stripe';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buyerOf,
  type CheckoutOptionSet,
  chargeablePrices,
  checkoutOptionSets,
  describeOptionSet,
  type Price,
} from '../testing/checkout-option-sets';
import { testStripeClient } from '../testing/test-stripe-client';
import {
  type CheckoutSessionParamsOptions,
  checkoutSessionIdempotencyKey,
  checkoutSessionParams,
} from './checkout-session-params';

// Every Checkout Session request `checkoutSessionParams` can produce, sent through the real SDK to
// the stand-in, which refuses what Stripe documents it refuses (packages/local-stripe/README.md,
// "Stripe's rules"). Each must be accepted, except the combinations listed in KNOWN_REFUSALS.

let stub: StripeStub;
let stripe: Stripe;
/** A returning buyer's Customer, as Checkout leaves it before Stripe Tax saw an address: none. */
let reusedCustomer: string;
/** A verified promotion code of the item's organization, as checkout attaches it. */
let promotionCodeId: string;
const EMAIL = 'reader@codex.test';

beforeAll(async () => {
  stub = await startStripeStub();
  stripe = testStripeClient(stub.url);
  const customerId = `user-${randomUUID()}`;
  reusedCustomer = (await stripe.customers.create({ email: EMAIL, metadata: { customerId } })).id;
  promotionCodeId = stub.createPromotionCode({ code: 'SOURDOUGH10', percentOff: 10 }).id;
});
afterAll(() => stub.close());

/** The builder's options for one option set, as checkout gives them. */
function optionsOf(set: CheckoutOptionSet): CheckoutSessionParamsOptions {
  return {
    purchaseId: randomUUID(),
    customerId: `user-${randomUUID()}`,
    item: {
      id: randomUUID(),
      organizationId: randomUUID(),
      title: 'Sourdough, start to finish',
      description: set.description,
      priceCents: set.price.priceCents,
      currency: set.price.currency,
    },
    buyer: buyerOf(set.buyer, reusedCustomer, EMAIL),
    terms: set.terms,
    promotionCodeId: set.promotionCode === 'code' ? promotionCodeId : undefined,
    webAppUrl: 'https://app.codex.test',
    now: new Date(),
    ttlMinutes: 30,
  };
}

/** The session checkout would create for `options`, through the real SDK, as checkout sends it. */
function send(
  options: CheckoutSessionParamsOptions,
  extra: Partial<Stripe.Checkout.SessionCreateParams> = {},
) {
  return stripe.checkout.sessions.create(
    { ...checkoutSessionParams(options), ...extra },
    { idempotencyKey: checkoutSessionIdempotencyKey(options.purchaseId) },
  );
}

/** The Stripe error code `request` is refused with, or `accepted`. */
async function outcomeOf(request: Promise<Stripe.Checkout.Session>): Promise<string> {
  return request.then(
    () => 'accepted',
    (error: unknown) =>
      error instanceof Stripe.errors.StripeError
        ? String(error.code ?? error.message)
        : String(error),
  );
}

/**
 * What Stripe answers the builder's request for `set` at `price`. Every combination is accepted
 * (issue 20's automatic tax with a reused Customer now sends `customer_update[address]=auto`),
 * except one Stripe rule no builder can keep alone: the amount due after the code's discount (10 %
 * here) must still reach the currency's minimum charge; checkout answers that refusal as
 * `PROMOTION_CODE_INVALID` (the code cannot be used for this item). A new exception here is a bug
 * to fix, not a case to keep.
 */
function expectedOutcome(set: CheckoutOptionSet, price: Price): string {
  if (set.promotionCode === 'code') {
    const due = Math.round(price.priceCents * 0.9);
    if (due > 0 && due < (MINIMUM_CHARGE_CENTS[price.currency] ?? 0)) return 'amount_too_small';
  }
  return 'accepted';
}

const prices = chargeablePrices();
const byOptions = checkoutOptionSets([{ currency: 'usd', priceCents: 50 }]);

describe('every Checkout Session request checkoutSessionParams can produce', () => {
  it.each(byOptions.map((set) => [describeOptionSet(set).replace(/ · usd 50$/, ''), set] as const))(
    '%s: accepted at every price from each currency’s minimum up (a discount keeping the minimum)',
    async (_, set) => {
      const outcomes: Record<string, string> = {};
      for (const price of prices) {
        const options = optionsOf({ ...set, price });
        outcomes[`${price.currency} ${price.priceCents}`] = await outcomeOf(send(options));
      }
      expect(outcomes).toEqual(
        Object.fromEntries(
          prices.map((price) => [
            `${price.currency} ${price.priceCents}`,
            expectedOutcome(set, price),
          ]),
        ),
      );
    },
  );

  it('creates what checkout reads back: the URL, the expiry, the amount in the item’s currency', async () => {
    const set = byOptions.find(
      (candidate) => candidate.promotionCode === 'no code',
    ) as CheckoutOptionSet;
    const options = optionsOf({ ...set, price: { currency: 'jpy', priceCents: 1200 } });
    const session = await send(options);
    expect(session).toMatchObject({
      url: expect.any(String),
      expires_at: expect.any(Number),
      status: 'open',
      amount_total: 1200,
      currency: 'jpy',
      client_reference_id: options.purchaseId,
      metadata: { purchaseId: options.purchaseId },
    });
  });
});

describe('the Stripe rules the builder keeps, each proven refused when broken', () => {
  const taxed = (buyer: CheckoutOptionSet['buyer']): CheckoutOptionSet => ({
    buyer,
    terms: { taxBehavior: 'exclusive' },
    promotionCode: 'no code',
    description: null,
    price: { currency: 'eur', priceCents: 900 },
  });
  const without = (params: Stripe.Checkout.SessionCreateParams, key: string) =>
    Object.fromEntries(
      Object.entries(params).filter(([name]) => name !== key),
    ) as Stripe.Checkout.SessionCreateParams;

  it('asks Checkout to save the address a returning buyer enters when automatic tax needs one', async () => {
    const options = optionsOf(taxed('customer'));
    const params = checkoutSessionParams(options);
    expect(params.customer_update).toEqual({ address: 'auto' });
    await expect(outcomeOf(send(options))).resolves.toBe('accepted');
    // Without it, Stripe refuses a Customer that has no address.
    await expect(
      outcomeOf(
        stripe.checkout.sessions.create(without(params, 'customer_update'), {
          idempotencyKey: `${checkoutSessionIdempotencyKey(options.purchaseId)}-bare`,
        }),
      ),
    ).resolves.toBe('customer_tax_location_invalid');
  });

  it('never sends customer_creation with a Customer, which Stripe refuses', async () => {
    const reused = optionsOf({ ...taxed('customer'), terms: { taxBehavior: null } });
    expect(checkoutSessionParams(reused).customer_creation).toBeUndefined();
    await expect(outcomeOf(send(reused, { customer_creation: 'always' }))).resolves.toMatch(
      /only specify one of/,
    );
    expect(checkoutSessionParams(optionsOf(taxed('new with email'))).customer_creation).toBe(
      'always',
    );
  });

  it('attaches a code as discounts and never sends allow_promotion_codes, which Stripe refuses with it', async () => {
    const options = optionsOf({ ...taxed('new with email'), promotionCode: 'code' });
    const params = checkoutSessionParams(options);
    expect(params.discounts).toEqual([{ promotion_code: promotionCodeId }]);
    expect(params).not.toHaveProperty('allow_promotion_codes');
    await expect(outcomeOf(send(options))).resolves.toBe('accepted');
    await expect(
      outcomeOf(
        send(optionsOf({ ...taxed('new with email'), promotionCode: 'code' }), {
          allow_promotion_codes: true,
        }),
      ),
    ).resolves.toMatch(/only specify one of these parameters: allow_promotion_codes, discounts/);
  });

  it('refuses one unit below every minimum checkout charges by: the two tables agree', async () => {
    // The stand-in keeps Stripe's table itself (it imports nothing of ours); checkout's is
    // MINIMUM_CHARGE_CENTS. Accepted at each minimum (above), refused one unit below it.
    const outcomes: Record<string, string> = {};
    for (const [currency, minimum] of Object.entries(MINIMUM_CHARGE_CENTS)) {
      const options = optionsOf({
        ...taxed('anonymous'),
        price: { currency, priceCents: minimum - 1 },
      });
      outcomes[currency] = await outcomeOf(send(options));
    }
    expect(outcomes).toEqual(
      Object.fromEntries(
        Object.keys(MINIMUM_CHARGE_CENTS).map((currency) => [currency, 'amount_too_small']),
      ),
    );
  });
});
