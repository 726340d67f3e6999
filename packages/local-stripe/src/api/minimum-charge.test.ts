import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  createSession,
  rejectionOf,
  sessionParams,
  useStripeStub,
} from '../testing/stub-test-support';
import { MINIMUM_CHARGE_AMOUNTS } from './minimum-charge';

const { stub, stripe } = useStripeStub();

describe('Stripe’s minimum charge on Checkout Sessions', () => {
  it.each(Object.entries(MINIMUM_CHARGE_AMOUNTS))(
    '%s: accepts exactly the minimum (%i) and refuses one unit less with amount_too_small',
    async (currency, minimum) => {
      await expect(createSession(stripe(), { currency, unitAmount: minimum })).resolves.toMatch(
        /^cs_test_/,
      );
      const error = await rejectionOf(
        createSession(stripe(), { currency, unitAmount: minimum - 1 }),
      );
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error).toMatchObject({
        statusCode: 400,
        code: 'amount_too_small',
        message: expect.stringMatching(
          new RegExp(
            `^The Checkout Session's total amount due must add up to at least .+ ${currency}$`,
          ),
        ),
        raw: { doc_url: 'https://stripe.com/docs/error-codes/amount-too-small' },
      });
    },
  );

  it('words the minimum as Stripe does', async () => {
    await expect(
      rejectionOf(createSession(stripe(), { currency: 'eur', unitAmount: 10 })),
    ).resolves.toMatchObject({
      message: "The Checkout Session's total amount due must add up to at least €0.50 eur",
    });
    await expect(
      rejectionOf(createSession(stripe(), { currency: 'usd', unitAmount: 49 })),
    ).resolves.toMatchObject({
      message: "The Checkout Session's total amount due must add up to at least $0.50 usd",
    });
  });

  it('counts whole units in a zero-decimal currency: ¥50 is the least, not ¥0.50', async () => {
    await expect(createSession(stripe(), { currency: 'jpy', unitAmount: 50 })).resolves.toMatch(
      /^cs_test_/,
    );
    await expect(
      rejectionOf(createSession(stripe(), { currency: 'jpy', unitAmount: 49 })),
    ).resolves.toMatchObject({ code: 'amount_too_small', message: expect.stringContaining('¥50') });
  });

  it('takes three-decimal amounts only in multiples of 10', async () => {
    await expect(createSession(stripe(), { currency: 'kwd', unitAmount: 1010 })).resolves.toMatch(
      /^cs_test_/,
    );
    for (const currency of ['bhd', 'jod', 'kwd', 'omr', 'tnd']) {
      await expect(
        rejectionOf(createSession(stripe(), { currency, unitAmount: 1005 })),
      ).resolves.toMatchObject({ statusCode: 400, type: 'StripeInvalidRequestError' });
    }
  });

  it('judges the amount due across every line item and quantity', async () => {
    const lineItem = (unit_amount: number, quantity: number) => ({
      quantity,
      price_data: { currency: 'usd', unit_amount, product_data: { name: 'A' } },
    });
    const session = await stripe().checkout.sessions.create(
      sessionParams({ line_items: [lineItem(20, 2), lineItem(10, 1)] }),
    );
    expect(session.amount_total).toBe(50);
  });

  it('allows a no-cost order: a 100 % discount leaves nothing to charge', async () => {
    const code = stub().createPromotionCode({ code: 'ALL', percentOff: 100 });
    const session = await stripe().checkout.sessions.create(
      sessionParams({ discounts: [{ promotion_code: code.id }] }),
    );
    expect(session).toMatchObject({ amount_subtotal: 1000, amount_total: 0 });
  });

  it('refuses a discount that leaves less than the minimum to charge', async () => {
    const code = stub().createPromotionCode({ code: 'ALMOST', amountOff: 980, currency: 'usd' });
    const error = await rejectionOf(
      stripe().checkout.sessions.create(
        sessionParams({ discounts: [{ promotion_code: code.id }] }),
      ),
    );
    expect(error).toMatchObject({ code: 'amount_too_small' });
  });
});

describe('Stripe’s minimum charge on PaymentIntents', () => {
  it('refuses an amount below the minimum, naming `amount`, in Stripe’s words', async () => {
    const error = await rejectionOf(
      stripe().paymentIntents.create({ amount: 29, currency: 'gbp' }),
    );
    expect(error).toMatchObject({
      statusCode: 400,
      code: 'amount_too_small',
      param: 'amount',
      message: 'Amount must be at least £0.30 gbp',
    });
    await expect(
      stripe().paymentIntents.create({ amount: 30, currency: 'gbp' }),
    ).resolves.toMatchObject({
      status: 'requires_payment_method',
    });
  });
});
