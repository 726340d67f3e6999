import Stripe from 'stripe';

/**
 * The one Stripe API version this project speaks: every request's `Stripe-Version`, and the
 * version the webhook endpoint is created with, so events arrive in the shape the handlers parse.
 * Typed as the SDK's own version: upgrading the SDK fails the typecheck here until the move is
 * made on purpose (docs/decisions/020-stripe-api-version.md says how).
 */
export const STRIPE_API_VERSION = '2026-10-28.endive' satisfies Stripe.LatestApiVersion;

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
 * need and the pinned {@link STRIPE_API_VERSION} (never the account's default). Throws if
 * `apiBase` is not an http(s) URL.
 */
export function createStripeClient(options: StripeClientOptions): Stripe {
  const base = options.apiBase ? new URL(options.apiBase) : undefined;
  if (base && base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new Error('createStripeClient: apiBase must be an http(s) URL');
  }
  const protocol = base?.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(options.secretKey, {
    apiVersion: STRIPE_API_VERSION,
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
