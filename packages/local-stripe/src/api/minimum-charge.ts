import { formatMoney } from './format-money';
import { invalidRequest, type StripeFailure } from './stripe-error';

/**
 * Stripe's minimum charge amount per settlement currency, in the currency's smallest unit (cents,
 * whole yen): https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts. A charge in
 * another currency is held to the minimum of the account's settlement currency after conversion;
 * the stand-in's account settles in each of these, so it applies the currency's own row and
 * nothing to currencies the table does not list.
 */
export const MINIMUM_CHARGE_AMOUNTS: Readonly<Record<string, number>> = {
  usd: 50,
  aed: 200,
  aud: 50,
  bgn: 100,
  brl: 50,
  cad: 50,
  chf: 50,
  czk: 1500,
  dkk: 250,
  eur: 50,
  gbp: 30,
  hkd: 400,
  huf: 17500,
  inr: 50,
  jpy: 50,
  mxn: 1000,
  myr: 200,
  nok: 300,
  nzd: 50,
  pln: 200,
  ron: 200,
  sek: 300,
  sgd: 50,
  thb: 1000,
};

/**
 * Three-decimal currencies: amounts are in thousandths, but Stripe only takes multiples of 10
 * (https://docs.stripe.com/currencies#three-decimal).
 */
export const THREE_DECIMAL_CURRENCIES: ReadonlyArray<string> = ['bhd', 'jod', 'kwd', 'omr', 'tnd'];

/**
 * Stripe's refusal of an amount due below the currency's minimum charge (`amount_too_small`) or,
 * in a three-decimal currency, not a multiple of 10; undefined when it can be charged. `kind`
 * picks Stripe's wording: a PaymentIntent names its `amount` ("Amount must be at least $0.50
 * usd"), a Checkout Session its total ("The Checkout Session's total amount due must add up to at
 * least $0.50 usd"; Stripe's `param` for the session case is not documented and left out). An
 * amount of 0 is not judged here: Checkout allows no-cost orders, a PaymentIntent refuses 0 as a
 * non-positive amount before this.
 */
export function refuseUnchargeableAmount(
  amount: number,
  currency: string,
  kind: { payment_intent: string } | 'checkout_session',
): StripeFailure | undefined {
  const minimum = MINIMUM_CHARGE_AMOUNTS[currency];
  if (minimum !== undefined && amount < minimum) {
    const least = `${formatMoney(minimum, currency)} ${currency}`;
    return kind === 'checkout_session'
      ? invalidRequest(`The Checkout Session's total amount due must add up to at least ${least}`, {
          code: 'amount_too_small',
        })
      : invalidRequest(`Amount must be at least ${least}`, {
          code: 'amount_too_small',
          param: kind.payment_intent,
        });
  }
  if (THREE_DECIMAL_CURRENCIES.includes(currency) && amount % 10 !== 0) {
    // Stripe's wording for this refusal is not documented: the page gives the rule only.
    return invalidRequest(
      `Invalid amount: amounts in ${currency} (a three-decimal currency) must be a multiple of 10, not ${amount}.`,
      kind === 'checkout_session' ? {} : { param: kind.payment_intent },
    );
  }
  return undefined;
}
