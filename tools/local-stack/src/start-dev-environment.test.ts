import { handledStripeEventTypes } from '@codex/purchases';
import { describe, expect, it } from 'vitest';
import {
  CONNECT_EVENT_TYPES,
  chooseStripeMode,
  DEMO_BUYER_EMAIL,
  DEMO_STAFF_ID,
  localStripeEndpoints,
  localStripeVars,
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

describe('how pnpm dev wires the local Stripe to the webhook worker', () => {
  it('sends payment events to the payment endpoint and connected accounts’ events to the Connect endpoint', () => {
    expect(localStripeEndpoints({ stripe: 12111, webhooks: 8788 })).toEqual({
      port: 12111,
      webhookEndpoint: 'http://127.0.0.1:8788/webhooks/stripe/payment',
      enabledEvents: handledStripeEventTypes,
      connectWebhookEndpoint: 'http://127.0.0.1:8788/webhooks/stripe/connect',
      connectEnabledEvents: ['account.updated', 'capability.updated'],
    });
  });

  it('subscribes the payment endpoint to no Connect event (Stripe sends those to the Connect endpoint)', () => {
    for (const type of CONNECT_EVENT_TYPES) expect(handledStripeEventTypes).not.toContain(type);
  });

  it('hands the workers each endpoint’s signing secret, the Connect one as STRIPE_WEBHOOK_SECRET_CONNECT', () => {
    const vars = localStripeVars({
      url: 'http://127.0.0.1:12111',
      secretKey: 'sk_test_local',
      webhookSecret: 'whsec_payment',
      connectWebhookSecret: 'whsec_connect',
    });
    expect(vars).toEqual({
      STRIPE_SECRET_KEY: 'sk_test_local',
      STRIPE_API_BASE: 'http://127.0.0.1:12111',
      STRIPE_WEBHOOK_SECRET_PAYMENT: 'whsec_payment',
      STRIPE_WEBHOOK_SECRET_CONNECT: 'whsec_connect',
    });
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
