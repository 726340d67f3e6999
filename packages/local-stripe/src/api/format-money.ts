/**
 * An amount in minor units as Stripe writes it in messages and the local pages show it, e.g.
 * `$12.50`, `€3.00`, `¥500`.
 */
export function formatMoney(amount: number, currency: string): string {
  const format = new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: currency.toUpperCase(),
  });
  return format.format(amount / 10 ** fractionDigits(currency));
}

/** How many minor units a currency's major unit has, as a power of ten (2 for usd, 0 for jpy). */
export function fractionDigits(currency: string): number {
  return (
    new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency: currency.toUpperCase(),
    }).resolvedOptions().maximumFractionDigits ?? 2
  );
}
