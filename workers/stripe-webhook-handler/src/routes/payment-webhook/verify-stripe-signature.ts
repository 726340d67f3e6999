import { ApiError } from '@codex/security';
import type { Context, MiddlewareHandler } from 'hono';
import Stripe from 'stripe';
import type { WebhookEnv } from '../../context';

/** Options for {@link verifyStripeSignature}. */
export interface VerifyStripeSignatureOptions {
  /** The `whsec_…` signing secret of the Stripe endpoint this route serves. */
  secret: (c: Context<VerifiedStripeEventEnv>) => string;
  /**
   * How far the signature's timestamp may be from now, in seconds, either way: older is a replay,
   * further ahead a signature made to outlive the replay window. Default 300 (Stripe's
   * recommendation).
   */
  toleranceSeconds?: number;
}

/** What the handler after {@link verifyStripeSignature} can read. */
export interface VerifiedStripeEventEnv extends WebhookEnv {
  Variables: WebhookEnv['Variables'] & {
    /** The event, verified against the raw body and the endpoint secret. */
    stripeEvent: Stripe.Event;
  };
}

const DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * The `t=` of a `Stripe-Signature` header, read as the Stripe SDK reads it (comma-separated
 * `key=value` items, the last `t` wins), so it is the timestamp the verified HMAC covers.
 */
function signedTimestamp(header: string): number {
  let timestamp = Number.NaN;
  for (const item of header.split(',')) {
    const [key, value] = item.split('=');
    if (key === 't') timestamp = Number.parseInt(value ?? '', 10);
  }
  return timestamp;
}
// Stateless; workerd has no synchronous HMAC, so verification goes through Web Crypto (async).
const cryptoProvider = Stripe.createSubtleCryptoProvider();

/**
 * Verifies the `Stripe-Signature` header of a webhook against the raw body and puts the event on
 * the context as `stripeEvent`. Refuses with 400 `VALIDATION_ERROR`, before anything else looks
 * at the body: a missing header ('Missing Stripe-Signature header'); a malformed header, a
 * signature made with another secret or over other bytes, or a timestamp more than
 * `toleranceSeconds` before or after now ('Invalid Stripe signature'; the SDK only bounds the
 * past); a correctly signed body that is not a JSON
 * event ('Invalid event payload'). Rejections are logged at `warn` with the reason, never the
 * header or the body.
 *
 * @throws Error at construction when `toleranceSeconds` is not a positive integer (0 would turn
 *   the replay window off).
 */
export const verifyStripeSignature = (
  options: VerifyStripeSignatureOptions,
): MiddlewareHandler<VerifiedStripeEventEnv> => {
  const toleranceSeconds = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (!Number.isSafeInteger(toleranceSeconds) || toleranceSeconds <= 0) {
    throw new Error('verifyStripeSignature: toleranceSeconds must be a positive integer');
  }
  return async function verifyStripeSignature(c, next) {
    const signature = c.req.header('Stripe-Signature');
    if (!signature) {
      c.var.logger.warn('stripe webhook rejected', { reason: 'missing Stripe-Signature header' });
      throw new ApiError('VALIDATION_ERROR', 'Missing Stripe-Signature header');
    }
    // The exact bytes Stripe signed: the body must not be parsed or re-serialised before this.
    const payload = await c.req.text();
    let event: Stripe.Event;
    try {
      // The SDK's static helper: verification needs the signing secret, not an API key.
      event = await Stripe.webhooks.constructEventAsync(
        payload,
        signature,
        options.secret(c),
        toleranceSeconds,
        cryptoProvider,
      );
    } catch (error) {
      if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
        // Stripe's messages run on with advice; the first sentence names the reason.
        const reason = error.message.split(/[.\n]/, 1)[0];
        c.var.logger.warn('stripe webhook rejected', { reason });
        throw new ApiError('VALIDATION_ERROR', 'Invalid Stripe signature', { cause: error });
      }
      if (error instanceof SyntaxError) {
        c.var.logger.warn('stripe webhook rejected', { reason: 'signed body is not JSON' });
        throw new ApiError('VALIDATION_ERROR', 'Invalid event payload', { cause: error });
      }
      throw error;
    }
    // The SDK refuses old timestamps only: a future one (a leaked secret, or a clock far off)
    // would otherwise stay valid for as long as it likes.
    const secondsAhead = signedTimestamp(signature) - Math.floor(Date.now() / 1000);
    if (!(secondsAhead <= toleranceSeconds)) {
      c.var.logger.warn('stripe webhook rejected', { reason: 'timestamp too far in the future' });
      throw new ApiError('VALIDATION_ERROR', 'Invalid Stripe signature');
    }
    c.set('stripeEvent', event);
    await next();
  };
};
