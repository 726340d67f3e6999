import Stripe from 'stripe';
import { PurchaseError } from '../purchase-error';
import type { IssueRefundDependencies, RefundRequestInput } from './issue-refund';
import { type RefusalCode, refuse } from './refund-refusals';
import { markRefused } from './refund-request-store';

/** `refund:<organization id>:<sha-256 of the client's key>`: stable, ≤ 255 characters, the key unexposed. */
export async function stripeRefundIdempotencyKey(
  organizationId: string,
  idempotencyKey: string,
): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(idempotencyKey));
  const hex = [...new Uint8Array(digest)]
    .map((byte) => byte.toString(16).padStart(2, '0'))
    .join('');
  return `refund:${organizationId}:${hex}`;
}

/**
 * Asks Stripe for the refund of `paymentIntentId`, with the idempotency key of the client's key and
 * the request in its metadata. A final refusal is recorded on the request and thrown as its code;
 * any other failure throws `PAYMENT_PROVIDER_ERROR` and leaves the request `requested`.
 */
export async function createStripeRefund(
  deps: IssueRefundDependencies,
  input: RefundRequestInput,
  requestId: string,
  paymentIntentId: string,
): Promise<Stripe.Refund> {
  try {
    return await deps.stripe.refunds.create(
      {
        payment_intent: paymentIntentId,
        ...(input.amountCents === undefined ? {} : { amount: input.amountCents }),
        ...(input.reason === 'other' ? {} : { reason: input.reason }),
        metadata: {
          refundRequestId: requestId,
          purchaseId: input.purchaseId,
          organizationId: input.organizationId,
          revokeAccess: String(input.revokeAccess),
        },
      },
      {
        idempotencyKey: await stripeRefundIdempotencyKey(
          input.organizationId,
          input.idempotencyKey,
        ),
      },
    );
  } catch (error) {
    const refusal = stripeRefusalOf(error);
    if (refusal) {
      await markRefused(deps.hot, requestId, refusal);
      refuse(refusal);
    }
    deps.logger.trackError(error, {
      operation: 'create refund',
      purchaseId: input.purchaseId,
      refundRequestId: requestId,
    });
    throw new PurchaseError(
      'PAYMENT_PROVIDER_ERROR',
      'The payment provider is unavailable; retry with the same Idempotency-Key',
      { cause: error },
    );
  }
}

/** Stripe's final refusals of a refund, as our codes; anything else may succeed on a retry. */
function stripeRefusalOf(error: unknown): RefusalCode | undefined {
  if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) return undefined;
  if (error.code === 'amount_too_large' || error.code === 'charge_already_refunded') {
    return 'REFUND_EXCEEDS_REMAINING';
  }
  if (error.code === 'charge_disputed') return 'PURCHASE_DISPUTED';
  return undefined;
}
