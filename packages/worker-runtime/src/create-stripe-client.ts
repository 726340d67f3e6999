import Stripe from 'stripe';

export interface StripeClientOptions {
  /** `sk_live_…`, `sk_test_…` or a restricted `rk_…` key. */
  secretKey: string;
  /**
   * Base URL of a Stripe-compatible API (`http://127.0.0.1:12111`) for local runs and tests.
   * Unset in production: the SDK talks to api.stripe.com.
   */
  apiBase?: string | undefined;
  /** Per-request timeout. Default 10 s. */
  timeoutMs?: number;
  /** Retries of failed network calls and 5xx answers; safe because every write sends an idempotency key. Default 1. */
  maxNetworkRetries?: number;
}

/**
 * Builds the Stripe SDK client from configuration, with the fetch-based HTTP client that Workers
 * need. Throws if `apiBase` is not an http(s) URL.
 */
export function createStripeClient(options: StripeClientOptions): Stripe {
  const base = options.apiBase ? new URL(options.apiBase) : undefined;
  if (base && base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new Error('createStripeClient: apiBase must be an http(s) URL');
  }
  const protocol = base?.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(options.secretKey, {
    httpClient: Stripe.createFetchHttpClient(),
    timeout: options.timeoutMs ?? 10_000,
    maxNetworkRetries: options.maxNetworkRetries ?? 1,
    telemetry: false,
    ...(base
      ? {
          host: base.hostname,
          port: Number(base.port || (protocol === 'http' ? 80 : 443)),
          protocol,
        }
      : {}),
  });
}
