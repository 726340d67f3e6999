import {
  amountChargedSql,
  contentPurchases,
  type Queryable,
  queryRows,
  type RefundReason,
  type RefundRequestStatus,
  type SQL,
  sql,
} from '@codex/database';
import type { ObservabilityClient } from '@codex/observability';
import Stripe from 'stripe';
import { PurchaseError, type PurchaseErrorCode } from '../purchase-error';
import { recordIssuedRefundStatement } from './record-issued-refund';

/** A refund asked for by an organization's staff member. */
export interface RefundRequestInput {
  organizationId: string;
  purchaseId: string;
  /** The staff member's customer id (the token's `sub`): kept as who refunded. */
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
}

interface PurchaseRow {
  purchase_id: string | null;
  status: string | null;
  currency: string | null;
  payment_intent_id: string | null;
  charged_cents: number | null;
  refunded_cents: number | null;
  dispute_status: string | null;
}

interface RequestRow {
  request_id: string | null;
  request_purchase_id: string | null;
  request_amount_cents: number | null;
  request_reason: string | null;
  request_note: string | null;
  request_revoke_access: boolean | null;
  request_status: RefundRequestStatus | null;
  request_refund_id: string | null;
  request_refunded_cents: number | null;
  request_refund_status: string | null;
  request_refusal_code: string | null;
}

type Found = { purchase: PurchaseRow; request: StoredRequest | undefined };

interface StoredRequest {
  id: string;
  purchaseId: string;
  amountCents: number | null;
  reason: string;
  note: string | null;
  revokeAccess: boolean;
  status: RefundRequestStatus;
  refundId: string | null;
  refundedCents: number | null;
  refundStatus: string | null;
  refusalCode: string | null;
}

const REFUSAL_MESSAGES = {
  NOT_FOUND: 'Purchase not found',
  PURCHASE_NOT_COMPLETED: 'Only a completed purchase can be refunded',
  PURCHASE_DISPUTED:
    "The purchase's charge is disputed, or lost its dispute: the bank holds its money, it cannot be refunded",
  REFUND_EXCEEDS_REMAINING: 'The refund is more than what is left to refund on this purchase',
  IDEMPOTENCY_KEY_REUSED:
    'This Idempotency-Key was already used for a different refund request in this organization',
} as const satisfies Partial<Record<PurchaseErrorCode, string>>;

type RefusalCode = keyof typeof REFUSAL_MESSAGES;

/**
 * Issues a refund of an organization's purchase at Stripe, once per `Idempotency-Key`:
 * 1. reads the purchase (only the organization's) and any request with the same key (1 statement);
 * 2. a new key: refuses a purchase that is not completed, is disputed or lost its dispute, or an
 *    amount above what is left (all before anything is written), then records the request; a
 *    racing request with the same key loses the insert and continues as a replay (1 statement);
 * 3. a known key with other fields is refused (`IDEMPOTENCY_KEY_REUSED`); one already issued or
 *    refused answers as it did the first time, without Stripe;
 * 4. asks Stripe for the refund with an idempotency key derived from the organization and the
 *    client's key, so a retry after a lost answer, or two racing requests, make one refund; its
 *    metadata names the request and `revokeAccess`, which the refund's webhooks carry;
 * 5. records Stripe's refund on the request and appends who, when and why to `payment_events`
 *    (1 statement; the webhook does the same if this write is lost).
 * Access is not touched here: it follows the refund's webhooks, as for a Dashboard refund.
 * Stripe stays the judge of what is left to refund (a Dashboard refund may be in flight): its
 * refusals are recorded and answered with the same codes. A Stripe failure (network, 5xx) leaves the
 * request `requested` and throws `PAYMENT_PROVIDER_ERROR`: retrying with the same key is safe.
 */
export async function issueRefund(
  deps: IssueRefundDependencies,
  input: RefundRequestInput,
): Promise<IssuedRefundAnswer> {
  let { purchase, request } = await readPurchaseAndRequest(deps.hot, input);
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

  const refund = await createStripeRefund(deps, input, request.id, purchase.payment_intent_id);
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

async function createStripeRefund(
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
      await queryRows(
        deps.hot,
        sql`UPDATE refund_requests SET status = 'refused', refusal_code = ${refusal}, updated_at = now()
            WHERE id = ${requestId}::uuid AND status = 'requested'`,
      );
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

function refuseUnlessRefundable(purchase: PurchaseRow, amountCents: number | undefined): void {
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

function refuse(code: RefusalCode): never {
  throw new PurchaseError(code, REFUSAL_MESSAGES[code]);
}

function asRefusalCode(code: string | null): RefusalCode {
  const known = Object.keys(REFUSAL_MESSAGES).find((candidate) => candidate === code);
  if (!known) throw new Error(`refund request refused with an unknown code: ${String(code)}`);
  return known as RefusalCode;
}

function isSameRequest(stored: StoredRequest, input: RefundRequestInput): boolean {
  return (
    stored.purchaseId === input.purchaseId &&
    stored.amountCents === (input.amountCents ?? null) &&
    stored.reason === input.reason &&
    stored.note === (input.note ?? null) &&
    stored.revokeAccess === input.revokeAccess
  );
}

/** The request columns both statements return, aliased as {@link RequestRow} names them. */
const REQUEST_COLUMNS = [
  ['id', 'request_id'],
  ['purchase_id', 'request_purchase_id'],
  ['amount_cents', 'request_amount_cents'],
  ['reason', 'request_reason'],
  ['note', 'request_note'],
  ['revoke_access', 'request_revoke_access'],
  ['status', 'request_status'],
  ['stripe_refund_id', 'request_refund_id'],
  ['refunded_cents', 'request_refunded_cents'],
  ['stripe_refund_status', 'request_refund_status'],
  ['refusal_code', 'request_refusal_code'],
] as const;

/** {@link REQUEST_COLUMNS} as a select list, each column prefixed (`r.`, or nothing). */
function requestColumns(prefix: string): SQL {
  // Constants of this module, not input.
  return sql.raw(
    REQUEST_COLUMNS.map(([column, alias]) => `${prefix}${column} AS ${alias}`).join(', '),
  );
}

/** One statement: the organization's purchase (if it is one) and the request with this key (if any). */
async function readPurchaseAndRequest(hot: Queryable, input: RefundRequestInput): Promise<Found> {
  const purchases = contentPurchases;
  const [row] = await queryRows<PurchaseRow & RequestRow & Record<string, unknown>>(
    hot,
    sql`
      SELECT ${purchases.id} AS purchase_id, ${purchases.status} AS status,
             ${purchases.currency} AS currency, ${purchases.stripePaymentIntentId} AS payment_intent_id,
             ${amountChargedSql(purchases)} AS charged_cents, ${purchases.amountRefundedCents} AS refunded_cents,
             ${purchases.disputeStatus} AS dispute_status, ${requestColumns('r.')}
      FROM (SELECT 1) AS one
      LEFT JOIN ${purchases}
        ON ${purchases.id} = ${input.purchaseId}::uuid
       AND ${purchases.organizationId} = ${input.organizationId}::uuid
      LEFT JOIN refund_requests r
        ON r.organization_id = ${input.organizationId}::uuid AND r.idempotency_key = ${input.idempotencyKey}`,
  );
  if (!row) throw new Error('the refund lookup returned no row');
  return { purchase: row, request: toStoredRequest(row) };
}

async function insertRequest(
  hot: Queryable,
  input: RefundRequestInput,
): Promise<StoredRequest | undefined> {
  const [row] = await queryRows<RequestRow & Record<string, unknown>>(
    hot,
    sql`
      INSERT INTO refund_requests
        (organization_id, idempotency_key, purchase_id, requested_by, amount_cents, reason, note, revoke_access)
      VALUES (${input.organizationId}::uuid, ${input.idempotencyKey}, ${input.purchaseId}::uuid,
              ${input.requestedBy}, ${input.amountCents ?? null}::int, ${input.reason},
              ${input.note ?? null}::text, ${input.revokeAccess})
      ON CONFLICT (organization_id, idempotency_key) DO NOTHING
      RETURNING ${requestColumns('')}`,
  );
  return row ? toStoredRequest(row) : undefined;
}

function toStoredRequest(row: RequestRow): StoredRequest | undefined {
  if (!row.request_id || !row.request_purchase_id || !row.request_reason || !row.request_status) {
    return undefined;
  }
  return {
    id: row.request_id,
    purchaseId: row.request_purchase_id,
    amountCents: row.request_amount_cents === null ? null : Number(row.request_amount_cents),
    reason: row.request_reason,
    note: row.request_note,
    revokeAccess: row.request_revoke_access === true,
    status: row.request_status,
    refundId: row.request_refund_id,
    refundedCents: row.request_refunded_cents === null ? null : Number(row.request_refunded_cents),
    refundStatus: row.request_refund_status,
    refusalCode: row.request_refusal_code,
  };
}
