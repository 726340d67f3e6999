import { type StripeStub, startStripeStub } from '@codex/local-stripe';
import Stripe from 'stripe';
import { afterAll, beforeAll } from 'vitest';
import { STRIPE_KEY } from '../../scratch-stack/start-scratch-stack';

/**
 * A Stripe stand-in for this test file, and the real SDK talking to it: getters valid inside
 * tests. Closed after the file.
 */
export function useStandInStripe(): { stub: () => StripeStub; stripe: () => Stripe } {
  let stub: StripeStub | undefined;
  let stripe: Stripe | undefined;
  beforeAll(async () => {
    stub = await startStripeStub();
    stripe = new Stripe(STRIPE_KEY, {
      host: stub.host,
      port: stub.port,
      protocol: 'http',
      httpClient: Stripe.createFetchHttpClient(),
      maxNetworkRetries: 0,
    });
  });
  afterAll(() => stub?.close());
  const inside = <T>(value: T | undefined): T => {
    if (!value) throw new Error('useStandInStripe: only inside tests');
    return value;
  };
  return { stub: () => inside(stub), stripe: () => inside(stripe) };
}

/** An open Checkout Session for one item of `unitAmount` cents (USD); returns its id. */
export async function openSession(stripe: Stripe, unitAmount: number): Promise<string> {
  const session = await stripe.checkout.sessions.create({
    mode: 'payment',
    success_url: 'https://codex.test/success',
    cancel_url: 'https://codex.test/cancel',
    line_items: [
      {
        quantity: 1,
        price_data: { currency: 'usd', unit_amount: unitAmount, product_data: { name: 'A' } },
      },
    ],
  });
  return session.id;
}
