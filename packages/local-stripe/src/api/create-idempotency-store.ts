import type { RecordedStripeRequest } from '../stripe-stub-types';
import { type StubResponse, stripeError } from './stripe-error';

interface IdempotencyRecord {
  fingerprint: string;
  response: StubResponse;
  /** When the key was first answered, on the stub's clock (ms). */
  savedAtMs: number;
}

// https://docs.stripe.com/api/idempotent_requests: "Idempotency keys are up to 255 characters
// long"; keys may be removed "after they're at least 24 hours old", and a key reused after that
// starts a new request. The stand-in prunes at exactly 24 hours of its clock, so a retry past
// that window is always a new request (the case an integration has to survive).
const MAX_KEY_LENGTH = 255;
const KEY_LIFETIME_MS = 24 * 60 * 60 * 1000;

/**
 * Stripe's idempotency for the stub's API: a POST with an `Idempotency-Key` is answered once; the
 * same key with the same method, path and form replays that answer (`Idempotent-Replayed: true`,
 * the request marked `replayed`), with other parameters it is refused (`idempotency_error`).
 * Only successful answers are kept, so a refused request may be retried with its key. A key over
 * 255 characters is refused (400 `invalid_request_error`; Stripe's wording, from its answers, is
 * quoted); a key is forgotten 24 hours (of `nowMs`) after its first answer.
 */
export function createIdempotencyStore(nowMs: () => number) {
  const idempotency = new Map<string, IdempotencyRecord>();

  /** The record kept for `key`, unless it is past its 24 hours (then it is pruned). */
  function kept(key: string): IdempotencyRecord | undefined {
    const record = idempotency.get(key);
    if (record && nowMs() - record.savedAtMs >= KEY_LIFETIME_MS) {
      idempotency.delete(key);
      return undefined;
    }
    return record;
  }

  return {
    /** The answer to `request`: replayed, refused, or `route`'s (then kept under the key). */
    answer(
      request: RecordedStripeRequest,
      route: (request: RecordedStripeRequest) => StubResponse,
    ): StubResponse {
      const key = request.idempotencyKey;
      // Stripe applies idempotency to POST only; GET and DELETE are idempotent anyway.
      if (request.method !== 'POST' || key === undefined) return route(request);
      if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
        return stripeError(400, {
          type: 'invalid_request_error',
          message: `Idempotent key length is ${key.length}, which is outside accepted lengths. Idempotent Keys must be 1-${MAX_KEY_LENGTH} characters long. If you're looking for a decent generator, try using a UUID defined by IETF RFC 4122.`,
        });
      }
      const form = Object.entries(request.form).sort(([a], [b]) => a.localeCompare(b));
      const fingerprint = JSON.stringify([request.method, request.path, form]);
      // On Stripe a second request with a key whose first is still running gets 409
      // `idempotency_error` (the SDK retries it) and then the replay. Here everything from this
      // lookup to storing the answer runs synchronously, so concurrent requests with one key are
      // answered one after the other and the later ones are replays: one object, never two.
      const stored = kept(key);
      if (stored && stored.fingerprint !== fingerprint) {
        return stripeError(400, {
          type: 'idempotency_error',
          message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        });
      }
      if (stored) {
        request.replayed = true;
        return {
          ...stored.response,
          headers: { ...stored.response.headers, 'Idempotent-Replayed': 'true' },
        };
      }
      const response = route(request);
      // Stripe saves a result only once the endpoint ran: failed validation may be retried with the key.
      if (response.status < 400)
        idempotency.set(key, { fingerprint, response, savedAtMs: nowMs() });
      return response;
    },

    clear(): void {
      idempotency.clear();
    },
  };
}
