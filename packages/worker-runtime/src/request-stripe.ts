import type { MiddlewareHandler } from 'hono';
import type Stripe from 'stripe';
import { createStripeClient } from './create-stripe-client';

/** The bindings a Stripe client is built from. */
export interface StripeConfig {
  /** `sk_…` or `rk_…`; without it there is no client. */
  STRIPE_SECRET_KEY?: string | undefined;
  /** A Stripe-compatible API (local runs, tests); unset: api.stripe.com. */
  STRIPE_API_BASE?: string | undefined;
}

/** What {@link requestStripe} reads from and puts on the context. */
export interface RequestStripeEnv {
  Variables: {
    config: StripeConfig;
    /** The Stripe client, built on first call; `undefined` when no `STRIPE_SECRET_KEY` is configured. */
    stripe: () => Stripe | undefined;
  };
}

/**
 * Puts `stripe()` on the context: a Stripe client (fetch-based, as Workers need) built on first
 * call from `c.var.config` and reused for the rest of the request. Building it makes no network
 * call. Runs after `requireConfig()`.
 */
export const requestStripe = (): MiddlewareHandler<RequestStripeEnv> =>
  async function requestStripe(c, next) {
    let stripe: Stripe | undefined;
    c.set('stripe', () => {
      const { STRIPE_SECRET_KEY, STRIPE_API_BASE } = c.var.config;
      if (!STRIPE_SECRET_KEY) return undefined;
      stripe ??= createStripeClient({ secretKey: STRIPE_SECRET_KEY, apiBase: STRIPE_API_BASE });
      return stripe;
    });
    await next();
  };
