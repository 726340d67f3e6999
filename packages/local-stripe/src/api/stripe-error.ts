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
  /** Stripe's page for `code` (`https://stripe.com/docs/error-codes/<code>`); set with every code. */
  doc_url?: string;
}

/** A refusal Stripe would answer with: the HTTP status and its `error` object. */
export interface StripeFailure {
  status: 400 | 403 | 404;
  error: StripeErrorDetails;
}

/** A Stripe-shaped error response: `{ error: { type, message, code?, param? } }` with `status`. */
export function stripeError(status: number, error: StripeErrorDetails): StubResponse {
  return { status, body: { error } };
}

/**
 * An `invalid_request_error` failure, 400 unless `status` says otherwise. With a `code`, the error
 * carries Stripe's `doc_url` for it, as Stripe's own errors do
 * (https://docs.stripe.com/error-codes: `https://stripe.com/docs/error-codes/<code, dashed>`).
 */
export function invalidRequest(
  message: string,
  { param, code, status = 400 }: { param?: string; code?: string; status?: 400 | 403 | 404 } = {},
): StripeFailure {
  return {
    status,
    error: {
      type: 'invalid_request_error',
      message,
      ...(code === undefined ? {} : { code, doc_url: errorCodeDocUrl(code) }),
      ...(param === undefined ? {} : { param }),
    },
  };
}

/** Stripe's page for an error code, e.g. `amount_too_small` → `…/error-codes/amount-too-small`. */
export function errorCodeDocUrl(code: string): string {
  return `https://stripe.com/docs/error-codes/${code.replaceAll('_', '-')}`;
}

/** The 404 `resource_missing` failure for an unknown id, e.g. `No such refund: 're_1'`. */
export function noSuch(objectName: string, id: string, param = 'id'): StripeFailure {
  return invalidRequest(`No such ${objectName}: '${id}'`, {
    status: 404,
    code: 'resource_missing',
    param,
  });
}

/** True for a {@link StripeFailure}; the stub's outcomes are a value or one of these. */
export function isStripeFailure(value: unknown): value is StripeFailure {
  return typeof value === 'object' && value !== null && 'error' in value && 'status' in value;
}

/**
 * Thrown by the stub's Node actions (`payCheckoutSession`, `createRefund`, ...) where Stripe would
 * refuse: an unknown id (`status` 404) or a transition Stripe does not allow (`status` 400). The
 * control endpoints answer the same refusal with that status.
 */
export class StripeStubError extends Error {
  /** 404 for an unknown id, 400 for a refused transition or bad input. */
  readonly status: 400 | 403 | 404;
  /** Stripe's error code where it has one, e.g. `charge_already_refunded`. */
  readonly code: string | undefined;
  readonly param: string | undefined;

  constructor({ status, error }: StripeFailure) {
    super(error.message);
    this.name = 'StripeStubError';
    this.status = status;
    this.code = error.code;
    this.param = error.param;
  }
}

/** Stripe's refusal of a required parameter left out: "Missing required param: <param>." */
export function missingParam(param: string): StripeFailure {
  return invalidRequest(`Missing required param: ${param}.`, { code: 'parameter_missing', param });
}
