import Stripe from 'stripe';

/** Options of {@link testStripeClient}. */
export interface TestStripeClientOptions {
  /** Default `sk_test_purchases_0123`. */
  secretKey?: string;
  /** Default 10 s, as the workers' client. */
  timeoutMs?: number;
  /** Default 1, as the workers' client. */
  maxNetworkRetries?: number;
}

/**
 * A Stripe SDK client talking to the stand-in at `apiBase` the way the workers' client talks to
 * Stripe (`createStripeClient` in `@codex/worker-runtime`, which this package must not import):
 * the fetch HTTP client, the same timeout and retry defaults, no telemetry.
 */
export function testStripeClient(apiBase: string, options: TestStripeClientOptions = {}): Stripe {
  const base = new URL(apiBase);
  return new Stripe(options.secretKey ?? 'sk_test_purchases_0123', {
    httpClient: Stripe.createFetchHttpClient(),
    timeout: options.timeoutMs ?? 10_000,
    maxNetworkRetries: options.maxNetworkRetries ?? 1,
    telemetry: false,
    host: base.hostname,
    port: Number(base.port),
    protocol: 'http',
  });
}
