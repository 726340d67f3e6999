/** How a line item's price relates to tax, as Stripe's `price_data[tax_behavior]` says. */
export type TaxBehavior = 'exclusive' | 'inclusive' | 'unspecified';

/** What the totals are computed from: the items, the discount, and the tax (if any). */
export interface SessionTotalsInput {
  lineItems: ReadonlyArray<{
    unit_amount: number;
    quantity: number;
    tax_behavior: TaxBehavior | null;
  }>;
  /** Minor units taken off the subtotal (at most the subtotal). */
  discount: number;
  /** The tax rate in percent when automatic tax is on; undefined: no tax. */
  taxRatePercent: number | undefined;
}

/** A session's amounts, as `amount_subtotal`, `total_details` and `amount_total` carry them. */
export interface SessionTotals {
  amount_subtotal: number;
  amount_discount: number;
  amount_tax: number;
  amount_total: number;
}

/**
 * Stripe's arithmetic for a Checkout Session, approximated: the subtotal is the sum of the line
 * items before discount and tax; the discount is spread over the items in proportion to their
 * amounts (the last item takes the rounding remainder); tax is rounded per item on what is left of
 * it. Exclusive tax is added on top (`round(taxable × rate)`); inclusive tax is the part of the
 * taxable amount already in the price (`taxable − round(taxable / (1 + rate))`), so it changes
 * nothing in the total. Never throws.
 */
export function computeSessionTotals({
  lineItems,
  discount,
  taxRatePercent,
}: SessionTotalsInput): SessionTotals {
  const amounts = lineItems.map((item) => item.unit_amount * item.quantity);
  const subtotal = amounts.reduce((sum, amount) => sum + amount, 0);
  const applied = Math.min(Math.max(discount, 0), subtotal);
  let discountLeft = applied;
  let tax = 0;
  let exclusiveTax = 0;
  amounts.forEach((amount, index) => {
    const isLast = index === amounts.length - 1;
    const share = isLast
      ? discountLeft
      : Math.min(discountLeft, subtotal === 0 ? 0 : Math.round((applied * amount) / subtotal));
    discountLeft -= share;
    if (taxRatePercent === undefined) return;
    const taxable = amount - share;
    const rate = taxRatePercent / 100;
    if (lineItems[index]?.tax_behavior === 'inclusive') {
      tax += taxable - Math.round(taxable / (1 + rate));
    } else {
      const added = Math.round(taxable * rate);
      tax += added;
      exclusiveTax += added;
    }
  });
  return {
    amount_subtotal: subtotal,
    amount_discount: applied,
    amount_tax: tax,
    amount_total: subtotal - applied + exclusiveTax,
  };
}
