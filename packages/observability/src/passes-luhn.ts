/**
 * Luhn (mod 10) check used by payment-card numbers.
 *
 * Guarantees: returns `true` only for a non-empty string made solely of ASCII digits whose Luhn
 * checksum is 0; any other input (empty, spaces, dashes, letters) returns `false`. Never throws.
 */
export function passesLuhn(digits: string): boolean {
  if (!/^\d+$/.test(digits)) {
    return false;
  }
  let sum = 0;
  let double = false;
  for (let index = digits.length - 1; index >= 0; index--) {
    let digit = digits.charCodeAt(index) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) {
        digit -= 9;
      }
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}
