import { type Queryable, queryRows, type RefundReason } from '@codex/database';
import type { ObservabilityClient } from '@codex/observability';
import type Stripe from 'stripe';
import { createStripeRefund, findStripeRefundOfRequest } from './create-stripe-refund';
import { recordIssuedRefundStatement } from './record-issued-refund';
import { asRefusalCode, refuse, refuseUnlessRefundable } from './refund-refusals';
import { insertRequest, isSameRequest, readPurchaseAndRequest } from './refund-request-store';

/** A refund asked for by an organization's staff member. */
export interface RefundRequestInput {
  organizationId: string;
  purchaseId: string;
  /**
   * The staff member's user id (the token's `sub`): whose role is read (they must be `admin`,
   * `owner` or `operator` in the organization) and kept as who refunded.
   */
  requestedBy: string;
  /** The client's `Idempotency-Key`: the same key in the organization is the same request. */
  idempotencyKey: string;
  /** Minor units; omitted: all that is left to refund. */
  amountCents?: number | undefined;
  reason: RefundReason;
  /** Free text kept with the payment event; never sent to Stripe or logged. */
  note?: string | undefined;
  /** False: the buyer keeps access even when the purchase ends up refunded in full. */
  revokeAccess: boolean;
}

/** The answer to a refund request: Stripe's refund, as it was when created. */
export interface IssuedRefundAnswer {
  refundId: string;
  purchaseId: string;
  amountCents: number;
  currency: string;
  /** Stripe's refund status when it was created (`pending`, `succeeded`, ...). */
  status: string;
  revokeAccess: boolean;
  /** True when this answer repeats an earlier request with the same key (no new refund). */
  replayed: boolean;
}

export interface IssueRefundDependencies {
  hot: Queryable;
  stripe: Stripe;
  logger: ObservabilityClient;
  /** Default `() => new Date()`. */
  clock?: () => Date;
}

/**
 * Stripe keeps an idempotency key for at least 24 hours, then may prune it
 * (https://docs.stripe.com/api/idempotent_requests). A retry of a request older than this first
 * asks Stripe for the refund it may already hold, instead of trusting the key. An hour's margin.
 */
const IDEMPOTENCY_KEY_TRUSTED_MS = 23 * 60 * 60 * 1000;

/**
 * Issues a refund of an organization's purchase at Stripe, once per `Idempotency-Key`:
 * 1. reads the caller's role, the purchase (only the organization's) and any request with the same
 *    key (1 statement); no role is `NOT_FOUND` "Organization not found", a role that may not
 *    refund is `FORBIDDEN`, before anything else;
 * 2. a new key: refuses a purchase that is not completed, is disputed or lost its dispute, or an
 *    amount above what is left (all before anything is written), then records the request; a
 *    racing request with the same key loses the insert and continues as a replay (1 statement);
 * 3. a known key with other fields is refused (`IDEMPOTENCY_KEY_REUSED`); one already issued or
 *    refused answers as it did the first time, without Stripe;
 * 4. asks Stripe for the refund with an idempotency key derived from the organization and the
 *    client's key, so a retry after a lost answer, or two racing requests, make one refund; its
 *    metadata names the request and `revokeAccess`, which the refund's webhooks carry. A retry of
 *    a request older than Stripe's key window first looks for that refund by its metadata;
 * 5. records Stripe's refund on the request and appends who, when and why to `payment_events`
 *    (1 statement; the webhook does the same if this write is lost).
 * Access is not touched here: it follows the refund's webhooks, as for a Dashboard refund.
 * Stripe stays the judge of what is left to refund (a Dashboard refund may be in flight): its
 * refusals (every invalid-request answer: `REFUND_EXCEEDS_REMAINING`, `PURCHASE_DISPUTED`, else
 * `REFUND_REFUSED_BY_PROVIDER`) are recorded and answered again for the same key. A Stripe failure
 * (network, 5xx) leaves the request `requested` and throws `PAYMENT_PROVIDER_ERROR`: retrying with
 * the same key is safe, at any age.
 */
export async function issueRefund(
  deps: IssueRefundDependencies,
  input: RefundRequestInput,
): Promise<IssuedRefundAnswer> {
  let { purchase, request } = await readPurchaseAndRequest(deps.hot, input);
  const isRetry = request !== undefined;
  if (!request) {
    refuseUnlessRefundable(purchase, input.amountCents);
    request = await insertRequest(deps.hot, input);
    // Lost the insert to a racing request with the same key: continue as its replay.
    if (!request) ({ purchase, request } = await readPurchaseAndRequest(deps.hot, input));
    if (!request) throw new Error('refund request vanished after its key conflicted');
  }
  if (!isSameRequest(request, input)) refuse('IDEMPOTENCY_KEY_REUSED');
  if (!purchase.purchase_id || !purchase.currency) refuse('NOT_FOUND');
  const currency = purchase.currency;
  const answer = (
    refund: { id: string; amountCents: number; status: string },
    replayed: boolean,
  ) => ({
    refundId: refund.id,
    purchaseId: input.purchaseId,
    amountCents: refund.amountCents,
    currency,
    status: refund.status,
    revokeAccess: request.revokeAccess,
    replayed,
  });
  if (request.status === 'issued' && request.refundId) {
    return answer(
      {
        id: request.refundId,
        amountCents: request.refundedCents ?? 0,
        status: request.refundStatus ?? 'pending',
      },
      true,
    );
  }
  if (request.status === 'refused') refuse(asRefusalCode(request.refusalCode));
  if (!purchase.payment_intent_id) {
    // A completed purchase with something left to refund was paid through a PaymentIntent.
    throw new Error(`purchase ${input.purchaseId} has no PaymentIntent to refund`);
  }

  const now = (deps.clock ?? (() => new Date()))();
  const keyMayBeForgotten =
    isRetry && now.getTime() - request.createdAt.getTime() >= IDEMPOTENCY_KEY_TRUSTED_MS;
  const refund =
    (keyMayBeForgotten &&
      (await findStripeRefundOfRequest(deps, purchase.payment_intent_id, request.id))) ||
    (await createStripeRefund(deps, input, request.id, purchase.payment_intent_id));
  const issued = { id: refund.id, amountCents: refund.amount, status: refund.status ?? 'pending' };
  await queryRows(deps.hot, recordIssuedRefundStatement(request.id, input.purchaseId, issued));
  deps.logger.info('refund issued', {
    organizationId: input.organizationId,
    purchaseId: input.purchaseId,
    refundId: refund.id,
    amountCents: refund.amount,
    revokeAccess: input.revokeAccess,
  });
  return answer(issued, false);
}
