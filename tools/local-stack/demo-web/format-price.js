/** Price from the smallest unit, with the currency's own decimals (2 for USD, 0 for JPY). */
export function formatPrice({ priceCents, currency }) {
  const format = new Intl.NumberFormat(undefined, {
    style: 'currency',
    currency: currency.toUpperCase(),
  });
  return format.format(priceCents / 10 ** format.resolvedOptions().maximumFractionDigits);
}

/** How many digits a currency has after the point (2 for USD, 0 for JPY). */
export function fractionDigits(currency) {
  const format = new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: currency.toUpperCase(),
  });
  return format.resolvedOptions().maximumFractionDigits;
}

/** `12.5` or `12,50` (major units, as a person types it) → 1250; undefined when not an amount. */
export function parseMajorAmount(text, currency) {
  const digits = fractionDigits(currency);
  const match = /^\s*(\d{1,9})(?:[.,](\d+))?\s*$/.exec(text);
  if (!match || (match[2] ?? '').length > digits) return undefined;
  return Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0') || '0');
}
