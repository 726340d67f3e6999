import { workerTestEnv } from '@codex/worker-runtime/testing';
import Stripe from 'stripe';

/** How {@link signPayload} signs. */
export interface SignOptions {
  /** Default: the worker's test secret. */
  secret?: string;
  /** Unix seconds; default now. */
  timestamp?: number;
}

/**
 * A `Stripe-Signature` header for `payload`, computed as Stripe does: a string by the Stripe SDK
 * itself (Web Crypto: workerd has no sync HMAC), bytes (which the SDK cannot sign unless they are
 * UTF-8) by HMAC-SHA256 over `<t>.<bytes>`, Stripe's documented scheme.
 */
export async function signPayload(
  payload: string | Uint8Array,
  options: SignOptions = {},
): Promise<string> {
  const secret =
    options.secret ??
    workerTestEnv<{ STRIPE_WEBHOOK_SECRET_PAYMENT: string }>().STRIPE_WEBHOOK_SECRET_PAYMENT;
  if (typeof payload === 'string') {
    return Stripe.webhooks.generateTestHeaderStringAsync({
      payload,
      secret,
      ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
      cryptoProvider: Stripe.createSubtleCryptoProvider(),
    });
  }
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const signed = new Blob([`${timestamp}.`, payload]);
  const mac = await crypto.subtle.sign('HMAC', key, await signed.arrayBuffer());
  const hex = Array.from(new Uint8Array(mac), (byte) => byte.toString(16).padStart(2, '0'));
  return `t=${timestamp},v1=${hex.join('')}`;
}
