/** The closed set of refusals the purchase service can answer with. */
export const purchaseErrorCodes = [
  'CONTENT_NOT_FOUND',
  'ALREADY_PURCHASED',
  'PAYMENT_PROVIDER_ERROR',
  'PAYMENT_PROVIDER_NOT_CONFIGURED',
  /** A page cursor the buyer reads did not issue, or issued for another list (malformed, tampered). */
  'INVALID_CURSOR',
  /** A purchase that is not the organization's (or does not exist): the same answer for both. */
  'NOT_FOUND',
  /** Refunds: the purchase is pending or failed, so there is no payment to give back. */
  'PURCHASE_NOT_COMPLETED',
  /** Refunds: the purchase's charge is disputed (open) or the dispute was lost; the bank has the money. */
  'PURCHASE_DISPUTED',
  /** Refunds: more than what is left to refund (or nothing is left). */
  'REFUND_EXCEEDS_REMAINING',
  /** Refunds: this `Idempotency-Key` was used for a different refund request in the organization. */
  'IDEMPOTENCY_KEY_REUSED',
] as const;

/**
 * The refusal when no Stripe key is configured. The message is for buyers: what to set, and where,
 * is the operator's business (the README and the worker's startup log say it).
 */
export const paymentProviderNotConfigured = () =>
  new PurchaseError('PAYMENT_PROVIDER_NOT_CONFIGURED', 'Payments are not available right now');

export type PurchaseErrorCode = (typeof purchaseErrorCodes)[number];

/**
 * An expected refusal of the purchase service, with a stable code the HTTP layer maps to a status.
 * The message is safe to show to the buyer; the cause (for example a Stripe error) is for logs only.
 */
export class PurchaseError extends Error {
  override readonly name = 'PurchaseError';
  readonly code: PurchaseErrorCode;

  constructor(code: PurchaseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** True for a `PurchaseError`, whatever realm or bundle copy created it. */
export function isPurchaseError(error: unknown): error is PurchaseError {
  return (
    error instanceof PurchaseError ||
    (error instanceof Error &&
      error.name === 'PurchaseError' &&
      purchaseErrorCodes.includes((error as { code?: unknown }).code as PurchaseErrorCode))
  );
}
