import { createHmac } from 'node:crypto';

/** Options for {@link signWebhookPayload}. */
export interface SignWebhookPayloadOptions {
  /** The exact bytes that will be sent as the request body (any change breaks the signature). */
  payload: string;
  /** The endpoint's signing secret, `whsec_…` prefix included: Stripe keys the HMAC with all of it. */
  secret: string;
  /** When the signature is made, in whole seconds since the epoch; the receiver bounds its age. */
  timestampSeconds: number;
}

/**
 * The `Stripe-Signature` header value Stripe sends with a webhook: `t=<timestamp>,v1=<signature>`,
 * where the signature is the hex HMAC-SHA256 of `<timestamp>.<payload>` keyed with the whole
 * secret string. The Stripe SDK's `webhooks.constructEvent` and `constructEventAsync` accept it
 * for the same payload and secret (within their tolerance of `timestampSeconds`).
 *
 * @throws RangeError when `timestampSeconds` is not a non-negative safe integer, or `secret` is
 *   empty (an empty key would sign anything anyone can reproduce).
 */
export function signWebhookPayload({
  payload,
  secret,
  timestampSeconds,
}: SignWebhookPayloadOptions): string {
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new RangeError(
      `signWebhookPayload: timestampSeconds must be whole seconds ≥ 0, not ${timestampSeconds}`,
    );
  }
  if (secret === '') throw new RangeError('signWebhookPayload: the secret is empty');
  const signature = createHmac('sha256', secret)
    .update(`${timestampSeconds}.${payload}`, 'utf8')
    .digest('hex');
  return `t=${timestampSeconds},v1=${signature}`;
}
