import type { RecordedStripeRequest } from '../stripe-stub-types';
import { type StubResponse, stripeError } from './stripe-error';

interface IdempotencyRecord {
  fingerprint: string;
  response: StubResponse;
}

/**
 * Stripe's idempotency for the stub's API: a POST with an `Idempotency-Key` is answered once; the
 * same key with the same method, path and form replays that answer (`Idempotent-Replayed: true`,
 * the request marked `replayed`), with other parameters it is refused (`idempotency_error`).
 * Only successful answers are kept, so a refused request may be retried with its key.
 */
export function createIdempotencyStore() {
  const idempotency = new Map<string, IdempotencyRecord>();

  return {
    /** The answer to `request`: replayed, refused, or `route`'s (then kept under the key). */
    answer(
      request: RecordedStripeRequest,
      route: (request: RecordedStripeRequest) => StubResponse,
    ): StubResponse {
      const key = request.idempotencyKey;
      // Stripe applies idempotency to POST only; GET and DELETE are idempotent anyway.
      if (request.method !== 'POST' || key === undefined) return route(request);
      const form = Object.entries(request.form).sort(([a], [b]) => a.localeCompare(b));
      const fingerprint = JSON.stringify([request.method, request.path, form]);
      // On Stripe a second request with a key whose first is still running gets 409
      // `idempotency_error` (the SDK retries it) and then the replay. Here everything from this
      // lookup to storing the answer runs synchronously, so concurrent requests with one key are
      // answered one after the other and the later ones are replays: one object, never two.
      const stored = idempotency.get(key);
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
      if (response.status < 400) idempotency.set(key, { fingerprint, response });
      return response;
    },

    clear(): void {
      idempotency.clear();
    },
  };
}
