import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStripeClient, STRIPE_API_VERSION } from './create-stripe-client';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createStripeClient', () => {
  it('sends STRIPE_API_VERSION as the Stripe-Version of its requests', async () => {
    // Stripe's HTTP API is the edge we do not own: its answer is made up here.
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockImplementation(
      async () =>
        new Response(JSON.stringify({ id: 'cus_1', object: 'customer' }), {
          headers: { 'Content-Type': 'application/json' },
        }),
    );
    const stripe = createStripeClient({ secretKey: 'sk_test_pin_0123456789' });

    await stripe.customers.retrieve('cus_1');

    expect(STRIPE_API_VERSION).toBe('2026-10-28.endive');
    const [, init] = fetchSpy.mock.calls[0] ?? [];
    expect(new Headers(init?.headers).get('Stripe-Version')).toBe(STRIPE_API_VERSION);
    expect(stripe.getApiField('version')).toBe(STRIPE_API_VERSION);
  });

  it('refuses an apiBase that is not http(s)', () => {
    expect(() => createStripeClient({ secretKey: 'sk_test_x', apiBase: 'ftp://stripe' })).toThrow(
      /apiBase/,
    );
  });
});
