import { vi } from 'vitest';
import { testEnv } from './test-support';

/**
 * Runs `run` and counts what it sent over the network, by watching `fetch` (the worker's only way
 * out): SQL-over-HTTP statements (bodies carrying a `"query"`) and Stripe API calls (paths under
 * the stand-in's `/v1/`). Every request still goes through.
 */
export async function countRoundTrips<T>(run: () => Promise<T>) {
  const seen = { statements: 0, stripe: [] as string[] };
  const original = globalThis.fetch;
  vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (typeof init?.body === 'string' && init.body.includes('"query"')) seen.statements++;
    if (url.origin === new URL(testEnv.STRIPE_API_BASE).origin && url.pathname.startsWith('/v1/')) {
      seen.stripe.push(url.pathname);
    }
    return original(input, init);
  });
  try {
    const result = await run();
    return { result, seen };
  } finally {
    vi.restoreAllMocks();
  }
}
