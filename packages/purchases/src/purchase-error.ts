import { type DomainErrorCode, domainErrorCodes } from '@codex/validation';

/**
 * The closed set of refusals the purchase services answer with: the `domain` codes of the one
 * error table (`apiErrors` in `@codex/validation`, where each is defined with its status and when
 * it happens).
 */
export const purchaseErrorCodes: readonly DomainErrorCode[] = domainErrorCodes;

export type PurchaseErrorCode = DomainErrorCode;

/**
 * The refusal when no Stripe key is configured. The message is for buyers: what to set, and where,
 * is the operator's business (the README and the worker's startup log say it).
 */
export const paymentProviderNotConfigured = () =>
  new PurchaseError('PAYMENT_PROVIDER_NOT_CONFIGURED', 'Payments are not available right now');

/**
 * The refusal of content whose price Stripe would never charge (below its minimum for the
 * currency, or a three-decimal amount not a multiple of 10): the organization must reprice it.
 */
export const priceNotChargeable = () =>
  new PurchaseError(
    'PRICE_NOT_CHARGEABLE',
    'This content cannot be bought at its current price; the seller has to change it',
  );

/**
 * The refusal of a promotion code that cannot discount this item: unknown or inactive at Stripe,
 * another organization's, or codes are not accepted here. One answer for all, so a buyer cannot
 * learn which codes other organizations have.
 */
export const promotionCodeInvalid = () =>
  new PurchaseError('PROMOTION_CODE_INVALID', 'This promotion code cannot be used for this item');

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
