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
 * the request in its metadata. A final refusal (any invalid-request answer: Stripe gives the same
 * one again for the same key) is recorded on the request and thrown as its code; any other failure
 * (network, 5xx, rate limit, a key in use by a concurrent request, our own credentials) throws
 * `PAYMENT_PROVIDER_ERROR` and leaves the request `requested`, to be retried with the same key.
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
      deps.logger.warn('refund refused by Stripe', {
        purchaseId: input.purchaseId,
        refundRequestId: requestId,
        refusal,
        stripeCode: error instanceof Stripe.errors.StripeError ? error.code : undefined,
      });
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

/** Stripe's error codes that map to a refusal of our own; any other invalid request is final too. */
const REFUSAL_OF_STRIPE_CODE: Readonly<Record<string, RefusalCode>> = {
  amount_too_large: 'REFUND_EXCEEDS_REMAINING',
  charge_already_refunded: 'REFUND_EXCEEDS_REMAINING',
  charge_disputed: 'PURCHASE_DISPUTED',
  refund_disputed_payment: 'PURCHASE_DISPUTED',
};

/**
 * Stripe's final refusals of a refund, as our codes. An invalid request (400, 404) is final: Stripe
 * answers the same for the same key until it forgets the key, and the request will not succeed
 * unchanged (https://docs.stripe.com/error-handling, "Invalid request errors"). Everything else may
 * succeed on a retry: network errors, 5xx, 429, a key in use by a concurrent request (409) and
 * errors of our own credentials (401, 403: fixed by the operator, then retried).
 */
export function stripeRefusalOf(error: unknown): RefusalCode | undefined {
  if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) return undefined;
  return (error.code && REFUSAL_OF_STRIPE_CODE[error.code]) || 'REFUND_REFUSED_BY_PROVIDER';
}

/**
 * The refund Stripe already holds for a platform refund request (by the `refundRequestId` its
 * metadata carries), if any. For a retry older than Stripe's idempotency window, which is at least
 * 24 hours and then pruned: the same key might no longer find the first refund, and sending it
 * again would refund twice.
 */
export async function findStripeRefundOfRequest(
  deps: IssueRefundDependencies,
  paymentIntentId: string,
  requestId: string,
): Promise<Stripe.Refund | undefined> {
  try {
    const refunds = deps.stripe.refunds.list({ payment_intent: paymentIntentId, limit: 100 });
    for await (const refund of refunds) {
      if (refund.metadata?.refundRequestId === requestId) return refund;
    }
    return undefined;
  } catch (error) {
    deps.logger.trackError(error, { operation: 'list refunds', refundRequestId: requestId });
    throw new PurchaseError(
      'PAYMENT_PROVIDER_ERROR',
      'The payment provider is unavailable; retry with the same Idempotency-Key',
      { cause: error },
    );
  }
}
