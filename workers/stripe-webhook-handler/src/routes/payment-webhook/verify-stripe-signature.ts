import { ApiError } from '@codex/security';
import type { Context, MiddlewareHandler } from 'hono';
import type { WebhookEnv } from '../../context';

/** Options for {@link verifyStripeSignature}. */
export interface VerifyStripeSignatureOptions {
  /** The `whsec_…` signing secret of the Stripe endpoint this route serves. */
  secret: (c: Context<VerifiedStripePayloadEnv>) => string;
  /**
   * How far the signature's timestamp may be from now, in seconds, either way: older is a replay,
   * further ahead a signature made to outlive the replay window. Default 300 (Stripe's
   * recommendation).
   */
  toleranceSeconds?: number;
}

/** What the handler after {@link verifyStripeSignature} can read. */
export interface VerifiedStripePayloadEnv extends WebhookEnv {
  Variables: WebhookEnv['Variables'] & {
    /** The body exactly as received, verified against the endpoint secret; not parsed. */
    stripePayload: Uint8Array;
  };
}

const DEFAULT_TOLERANCE_SECONDS = 300;
const encoder = new TextEncoder();

/**
 * The `t=` and `v1=` items of a `Stripe-Signature` header, read as the Stripe SDK reads them
 * (comma-separated `key=value` items, the last `t` wins, every `v1` is a candidate).
 */
function parseSignatureHeader(header: string): { timestamp: number; signatures: string[] } {
  let timestamp = Number.NaN;
  const signatures: string[] = [];
  for (const item of header.split(',')) {
    const [key, value = ''] = item.split('=');
    if (key === 't') timestamp = Number.parseInt(value, 10);
    if (key === 'v1') signatures.push(value);
  }
  return { timestamp, signatures };
}

/** A hex string as bytes; undefined when it is not hex (such a `v1` matches nothing). */
function hexBytes(hex: string): Uint8Array | undefined {
  if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) return undefined;
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

/**
 * True when one of `signatures` is Stripe's HMAC-SHA256 of `<timestamp>.<payload bytes>`. The
 * bytes themselves are signed, not a decoded string: the SDK decodes the body as UTF-8 before
 * hashing, so a body that is not UTF-8 would never verify there. `verify` compares in constant time.
 */
async function isSignedBy(
  secret: string,
  timestamp: number,
  payload: Uint8Array,
  signatures: string[],
): Promise<boolean> {
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  const prefix = encoder.encode(`${timestamp}.`);
  const signed = new Uint8Array(prefix.length + payload.length);
  signed.set(prefix);
  signed.set(payload, prefix.length);
  for (const signature of signatures) {
    const bytes = hexBytes(signature);
    if (bytes && (await crypto.subtle.verify('HMAC', key, bytes, signed))) return true;
  }
  return false;
}

/** Why `header` does not sign `payload` now, in a few words for the log; undefined when it does. */
async function signatureProblem(
  header: string,
  secret: string,
  payload: Uint8Array,
  toleranceSeconds: number,
): Promise<string | undefined> {
  const { timestamp, signatures } = parseSignatureHeader(header);
  if (!Number.isSafeInteger(timestamp) || signatures.length === 0) {
    return 'malformed Stripe-Signature header';
  }
  if (!(await isSignedBy(secret, timestamp, payload, signatures))) {
    return 'no signature matches the payload';
  }
  const secondsAhead = timestamp - Math.floor(Date.now() / 1000);
  if (secondsAhead < -toleranceSeconds) return 'timestamp outside the tolerance zone';
  // Stripe's SDK bounds the past only: a future timestamp (a leaked secret, or a clock far off)
  // would otherwise stay valid for as long as it likes.
  if (secondsAhead > toleranceSeconds) return 'timestamp too far in the future';
  return undefined;
}

/**
 * Verifies the `Stripe-Signature` header of a webhook against the raw body and puts the body, as
 * received and unparsed, on the context as `stripePayload`: whatever a correctly signed body
 * holds (not JSON, not UTF-8) is the handler's to keep. Refuses with 400 `VALIDATION_ERROR`,
 * before anything else looks at the body: a missing header ('Missing Stripe-Signature header');
 * a malformed header, a signature made with another secret or over other bytes, or a timestamp
 * more than `toleranceSeconds` before or after now ('Invalid Stripe signature'). Rejections are
 * logged at `warn` with the reason, never the header or the body.
 *
 * @throws Error at construction when `toleranceSeconds` is not a positive integer (0 would turn
 *   the replay window off); at request time when the secret is empty (a misconfiguration: 500).
 */
export const verifyStripeSignature = (
  options: VerifyStripeSignatureOptions,
): MiddlewareHandler<VerifiedStripePayloadEnv> => {
  const toleranceSeconds = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (!Number.isSafeInteger(toleranceSeconds) || toleranceSeconds <= 0) {
    throw new Error('verifyStripeSignature: toleranceSeconds must be a positive integer');
  }
  return async function verifyStripeSignature(c, next) {
    const header = c.req.header('Stripe-Signature');
    if (!header) {
      c.var.logger.warn('stripe webhook rejected', { reason: 'missing Stripe-Signature header' });
      throw new ApiError('VALIDATION_ERROR', 'Missing Stripe-Signature header');
    }
    const secret = options.secret(c);
    if (!secret) throw new Error('verifyStripeSignature: the signing secret is empty');
    // The exact bytes Stripe signed: the body must not be decoded, parsed or re-serialised first.
    const payload = new Uint8Array(await c.req.arrayBuffer());
    const reason = await signatureProblem(header, secret, payload, toleranceSeconds);
    if (reason) {
      c.var.logger.warn('stripe webhook rejected', { reason });
      throw new ApiError('VALIDATION_ERROR', 'Invalid Stripe signature');
    }
    c.set('stripePayload', payload);
    await next();
  };
};
