import {
  amountChargedSql,
  contentPurchases,
  type Queryable,
  queryRows,
  type RefundRequestStatus,
  type SQL,
  sql,
  toDate,
} from '@codex/database';
import { queryAsStaff } from '../staff/query-as-staff';
import type { RefundRequestInput } from './issue-refund';

/** The organization's purchase as the refund lookup reads it (all null when it is not theirs). */
export interface PurchaseRow {
  purchase_id: string | null;
  status: string | null;
  currency: string | null;
  payment_intent_id: string | null;
  charged_cents: number | null;
  refunded_cents: number | null;
  dispute_status: string | null;
}

export interface RequestRow {
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
  request_created_at: unknown;
}

/** What the lookup found: the purchase, and the request with the same key if any. */
export type Found = { purchase: PurchaseRow; request: StoredRequest | undefined };

/** A refund request as stored (`refund_requests`). */
export interface StoredRequest {
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
  /** When the request was first recorded: how old Stripe's memory of its key may be. */
  createdAt: Date;
}

/** True when a stored request has exactly the fields of `input`: the same request again. */
export function isSameRequest(stored: StoredRequest, input: RefundRequestInput): boolean {
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
  ['created_at', 'request_created_at'],
] as const;

/** {@link REQUEST_COLUMNS} as a select list, each column prefixed (`r.`, or nothing). */
function requestColumns(prefix: string): SQL {
  // Constants of this module, not input.
  return sql.raw(
    REQUEST_COLUMNS.map(([column, alias]) => `${prefix}${column} AS ${alias}`).join(', '),
  );
}

/**
 * One statement: the caller's role (refused unless it may `refund`: `queryAsStaff`), the
 * organization's purchase (if it is one) and the request with this key (if any). The caller is
 * `requestedBy`, the token's `sub`.
 */
export async function readPurchaseAndRequest(
  hot: Queryable,
  input: RefundRequestInput,
): Promise<Found> {
  const purchases = contentPurchases;
  const caller = { organizationId: input.organizationId, userId: input.requestedBy };
  const {
    rows: [row],
  } = await queryAsStaff<PurchaseRow & RequestRow & Record<string, unknown>>(
    hot,
    caller,
    'refund',
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

export async function insertRequest(
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
    createdAt: toDate(row.request_created_at),
  };
}

/** Records Stripe's final refusal on a request still `requested`, so the same key answers it again. */
export async function markRefused(hot: Queryable, requestId: string, code: string): Promise<void> {
  await queryRows(
    hot,
    sql`UPDATE refund_requests SET status = 'refused', refusal_code = ${code}, updated_at = now()
        WHERE id = ${requestId}::uuid AND status = 'requested'`,
  );
}
