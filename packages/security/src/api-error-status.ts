/**
 * The one table from API error code to HTTP status. Every error response of every worker uses a
 * code from this table, and its status is always the one listed here.
 */
export const apiErrorStatus = {
  VALIDATION_ERROR: 400,
  /** A page cursor that is not one the list issued (malformed or altered): start from page one. */
  INVALID_CURSOR: 400,
  UNAUTHORIZED: 401,
  /** Staff whose role in the organization does not allow the action (a role in it, but too low). */
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONTENT_NOT_FOUND: 404,
  ALREADY_PURCHASED: 409,
  /** Refund of a purchase that is pending or failed. */
  PURCHASE_NOT_COMPLETED: 409,
  /** Refund of a purchase whose charge is disputed (open) or lost its dispute. */
  PURCHASE_DISPUTED: 409,
  /** Refund of more than what is left to refund on the purchase. */
  REFUND_EXCEEDS_REMAINING: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** The `Idempotency-Key` was already used in this organization for a different refund request. */
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  PAYMENT_PROVIDER_ERROR: 502,
  SERVICE_UNAVAILABLE: 503,
  /** No Stripe key configured (local runs): paid checkout is unavailable, everything else works. */
  PAYMENT_PROVIDER_NOT_CONFIGURED: 503,
} as const;

/** The closed set of error codes an API response can carry. */
export type ApiErrorCode = keyof typeof apiErrorStatus;

/** The HTTP statuses that {@link apiErrorStatus} can produce. */
export type ApiErrorStatus = (typeof apiErrorStatus)[ApiErrorCode];
