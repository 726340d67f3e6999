import { PurchaseError, type PurchaseErrorCode } from '../purchase-error';
import type { PurchaseRow } from './refund-request-store';

/** The refusals of a refund request, with the message each is answered with. */
export const REFUSAL_MESSAGES = {
  NOT_FOUND: 'Purchase not found',
  PURCHASE_NOT_COMPLETED: 'Only a completed purchase can be refunded',
  PURCHASE_DISPUTED:
    "The purchase's charge is charged back, or lost its chargeback: the bank holds its money, it cannot be refunded",
  REFUND_EXCEEDS_REMAINING: 'The refund is more than what is left to refund on this purchase',
  IDEMPOTENCY_KEY_REUSED:
    'This Idempotency-Key was already used for a different refund request in this organization',
  REFUND_REFUSED_BY_PROVIDER:
    'The payment provider refused this refund for good; sending it again will not change that',
} as const satisfies Partial<Record<PurchaseErrorCode, string>>;

export type RefusalCode = keyof typeof REFUSAL_MESSAGES;

/** Refuses, before anything is written, a purchase that cannot be refunded by `amountCents`. */
export function refuseUnlessRefundable(
  purchase: PurchaseRow,
  amountCents: number | undefined,
): void {
  if (!purchase.purchase_id) refuse('NOT_FOUND');
  if (purchase.status !== 'completed') refuse('PURCHASE_NOT_COMPLETED');
  if (purchase.dispute_status === 'open' || purchase.dispute_status === 'lost') {
    refuse('PURCHASE_DISPUTED');
  }
  const left = Number(purchase.charged_cents ?? 0) - Number(purchase.refunded_cents ?? 0);
  if (left <= 0 || (amountCents !== undefined && amountCents > left)) {
    throw new PurchaseError(
      'REFUND_EXCEEDS_REMAINING',
      left <= 0
        ? 'Nothing is left to refund on this purchase'
        : `At most ${left} (minor units) is left to refund on this purchase`,
    );
  }
}

/** Throws the refusal `code` with its message. */
export function refuse(code: RefusalCode): never {
  throw new PurchaseError(code, REFUSAL_MESSAGES[code]);
}

/** A stored refusal code, read back. */
export function asRefusalCode(code: string | null): RefusalCode {
  const known = Object.keys(REFUSAL_MESSAGES).find((candidate) => candidate === code);
  if (!known) throw new Error(`refund request refused with an unknown code: ${String(code)}`);
  return known as RefusalCode;
}
