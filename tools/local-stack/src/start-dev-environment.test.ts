import { describe, expect, it } from 'vitest';
import {
  chooseStripeMode,
  DEMO_BUYER_EMAIL,
  DEMO_STAFF_ID,
  signDemoTokens,
} from './start-dev-environment';
import { LOCAL_STAFF_AUDIENCE } from './start-local-stack';

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

/** The claims of a JWT (not verified: the worker does that; here only what was signed). */
function claimsOf(token: string): Record<string, unknown> {
  const [, payload = ''] = token.split('.');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('the tokens pnpm dev hands out', () => {
  const now = () => Date.UTC(2026, 10, 29, 12, 0, 0);
  const issuedAt = now() / 1000;

  it('a staff token: the demo organization’s owner, for the staff audience, 24 hours, and no role claim (roles live in the database)', async () => {
    const { staffToken } = await signDemoTokens({
      secret: 'dev-secret',
      customerId: 'user_demo',
      now,
    });
    expect(claimsOf(staffToken)).toEqual({
      sub: DEMO_STAFF_ID,
      aud: LOCAL_STAFF_AUDIENCE,
      iat: issuedAt,
      exp: issuedAt + 24 * 60 * 60,
    });
  });

  it('a buyer token with the demo buyer’s address and no staff role, for 24 hours', async () => {
    const { buyerToken } = await signDemoTokens({
      secret: 'dev-secret',
      customerId: 'user_demo',
      now,
    });
    expect(claimsOf(buyerToken)).toEqual({
      sub: 'user_demo',
      email: DEMO_BUYER_EMAIL,
      iat: issuedAt,
      exp: issuedAt + 24 * 60 * 60,
    });
  });

  it('refuses an empty secret', async () => {
    await expect(signDemoTokens({ secret: '', customerId: 'user_demo' })).rejects.toThrow(/secret/);
  });
});
