import type Stripe from 'stripe';
import type { StripeStub } from '../stripe-stub-types';

// Test-only helpers of the Connect suites (not exported from the package).

/** The controller properties of the platform this was built for: Stripe collects, no dashboard. */
export const PLATFORM_CONTROLLER: Stripe.AccountCreateParams.Controller = {
  fees: { payer: 'application' },
  losses: { payments: 'application' },
  requirement_collection: 'stripe',
  stripe_dashboard: { type: 'none' },
};

/** A new connected account with transfers requested; returns it. */
export function createAccount(
  stripe: Stripe,
  email = 'seller@codex.test',
): Promise<Stripe.Account> {
  return stripe.accounts.create({
    controller: PLATFORM_CONTROLLER,
    capabilities: { transfers: { requested: true } },
    email,
    business_profile: { name: 'A seller' },
  });
}

/** A connected account whose transfers capability is active; returns its id. */
export async function createOnboardedAccount(stripe: Stripe, stub: StripeStub): Promise<string> {
  const account = await createAccount(stripe);
  stub.completeAccountOnboarding(account.id);
  return account.id;
}

/** A card payment of `amount` cents; returns its PaymentIntent and the id of its charge. */
export async function payByCardApi(
  stripe: Stripe,
  amount = 2000,
  currency = 'usd',
): Promise<{ intentId: string; chargeId: string }> {
  const intent = await stripe.paymentIntents.create({
    amount,
    currency,
    payment_method: 'pm_card_visa',
    confirm: true,
    automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
  });
  return { intentId: intent.id, chargeId: String(intent.latest_charge) };
}

/** What a Stripe error says, in the terms the suites compare. */
export function refusal(error: unknown): {
  status: number | undefined;
  type: string | undefined;
  code: string | undefined;
  param: string | undefined;
} {
  const { statusCode, rawType, code, param } = error as Stripe.errors.StripeError;
  return { status: statusCode, type: rawType, code, param };
}
