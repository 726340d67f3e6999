import { describe, expect, it } from 'vitest';
import { computeSessionTotals } from './compute-session-totals';

const item = (unitAmount: number, taxBehavior: 'exclusive' | 'inclusive' | null, quantity = 1) => ({
  unit_amount: unitAmount,
  quantity,
  tax_behavior: taxBehavior,
});

describe('computeSessionTotals', () => {
  it('without discount or tax, the total is the subtotal', () => {
    expect(
      computeSessionTotals({
        lineItems: [item(999, null, 2), item(1, null)],
        discount: 0,
        taxRatePercent: undefined,
      }),
    ).toEqual({ amount_subtotal: 1999, amount_discount: 0, amount_tax: 0, amount_total: 1999 });
  });

  it('caps the discount at the subtotal', () => {
    expect(
      computeSessionTotals({
        lineItems: [item(400, 'exclusive')],
        discount: 500,
        taxRatePercent: 10,
      }),
    ).toEqual({ amount_subtotal: 400, amount_discount: 400, amount_tax: 0, amount_total: 0 });
  });

  it('spreads the discount over mixed items and taxes each on what is left of it', () => {
    // 1000 exclusive and 1100 inclusive, 210 off: shares 100 and 110 (the last takes the rest).
    // Exclusive: round(900 × 10 %) = 90 added. Inclusive: 990 − round(990 / 1.1) = 90 included.
    expect(
      computeSessionTotals({
        lineItems: [item(1000, 'exclusive'), item(1100, 'inclusive')],
        discount: 210,
        taxRatePercent: 10,
      }),
    ).toEqual({ amount_subtotal: 2100, amount_discount: 210, amount_tax: 180, amount_total: 1980 });
  });

  it('rounds tax to the nearest minor unit', () => {
    expect(
      computeSessionTotals({
        lineItems: [item(1235, 'exclusive')],
        discount: 0,
        taxRatePercent: 10,
      }),
    ).toMatchObject({ amount_tax: 124, amount_total: 1359 });
  });
});
