/** A response the stub sends: a status, a JSON body and any extra headers. */
export interface StubResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** The `error` object of a Stripe API error body. */
export interface StripeErrorDetails {
  type: 'api_error' | 'idempotency_error' | 'invalid_request_error';
  message: string;
  code?: string;
  param?: string;
}

/** A Stripe-shaped error response: `{ error: { type, message, code?, param? } }` with `status`. */
export function stripeError(status: number, error: StripeErrorDetails): StubResponse {
  return { status, body: { error } };
}
