import { describe, expect, it } from 'vitest';
import { chooseStripeMode } from './start-dev-environment';

describe('which Stripe pnpm dev uses', () => {
  it('starts the local Stripe when no key is configured (an empty value counts as none)', () => {
    expect(chooseStripeMode({})).toBe('local');
    expect(chooseStripeMode({ stripeSecretKey: '' })).toBe('local');
  });

  it('changes nothing when the checkout worker has a key', () => {
    expect(chooseStripeMode({ stripeSecretKey: 'sk_test_123' })).toBe('account');
  });

  it('uses a Stripe-compatible server named by STRIPE_API_BASE, key or not', () => {
    expect(chooseStripeMode({ stripeApiBase: 'http://127.0.0.1:12111' })).toBe('external');
    expect(
      chooseStripeMode({ stripeApiBase: 'http://127.0.0.1:12111', stripeSecretKey: 'sk_test_1' }),
    ).toBe('external');
  });
});
