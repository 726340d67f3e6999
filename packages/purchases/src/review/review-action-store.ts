import {
  and,
  type DatabaseTransaction,
  eq,
  type FulfillmentAnomalyKind,
  type Queryable,
  type ReviewAction,
  type ReviewActionKind,
  reviewActions,
  sql,
  toNullableDate,
} from '@codex/database';
import type { FulfillmentContext } from '../fulfillment/context';
import { PurchaseError } from '../purchase-error';
import { queryAsStaff, type StaffCaller } from '../staff/query-as-staff';

/** A review action as staff asked for it. */
export interface ReviewActionInput {
  organizationId: string;
  anomalyId: string;
  /** The staff member's customer id (the token's `sub`): kept as who acted. */
  actorId: string;
  /** The client's `Idempotency-Key`: the same key in the organization is the same request. */
  idempotencyKey: string;
  action: ReviewActionKind;
  /** `refund_payment`: which of the buyer's payments for the item; else the flagged purchase. */
  targetPurchaseId?: string | undefined;
  /** Why; required for `dismiss`. Never sent to Stripe or logged. */
  note?: string | undefined;
}

/** The flag an action is about, locked, with its purchase. */
export interface LockedFlag {
  id: string;
  kind: FulfillmentAnomalyKind;
  stripeObjectId: string;
  details: Record<string, unknown>;
  resolvedAt: Date | null;
  purchaseId: string;
  customerId: string;
  contentId: string;
}

interface FlagRow extends Record<string, unknown> {
  id: string;
  kind: FulfillmentAnomalyKind;
  stripe_object_id: string;
  details: Record<string, unknown>;
  resolved_at: unknown;
  purchase_id: string;
  customer_id: string;
  content_id: string;
}

/**
 * The organization's flag `anomalyId`, locked for the caller's transaction, in one statement that
 * also reads the caller's role (`queryAsStaff`: only roles that may `review`).
 *
 * @throws PurchaseError `NOT_FOUND` (no role in the organization: "Organization not found"; or no
 *   such flag of the organization), `FORBIDDEN` (a role that may not review).
 */
export async function lockFlag(
  tx: DatabaseTransaction,
  caller: StaffCaller,
  anomalyId: string,
): Promise<LockedFlag> {
  // A transaction runs statements as the pool does (`execute`), so the staff wrapper applies.
  const { rows } = await queryAsStaff<FlagRow>(
    tx as unknown as Queryable,
    caller,
    'review',
    sql`SELECT flag.id, flag.kind, flag.stripe_object_id, flag.details, flag.resolved_at,
          purchase.id AS purchase_id, purchase.customer_id, purchase.content_id
        FROM fulfillment_anomalies flag
        JOIN content_purchases purchase ON purchase.id = flag.purchase_id
        WHERE flag.id = ${anomalyId}::uuid AND purchase.organization_id = ${caller.organizationId}::uuid
        FOR UPDATE OF flag`,
  );
  const [flag] = rows;
  if (!flag) throw new PurchaseError('NOT_FOUND', 'Flagged purchase not found');
  return {
    id: flag.id,
    kind: flag.kind,
    stripeObjectId: flag.stripe_object_id,
    details: flag.details,
    resolvedAt: toNullableDate(flag.resolved_at),
    purchaseId: flag.purchase_id,
    customerId: flag.customer_id,
    contentId: flag.content_id,
  };
}

/** The action recorded under (organization, key), if any. */
export async function findActionByKey(
  tx: DatabaseTransaction,
  organizationId: string,
  idempotencyKey: string,
): Promise<ReviewAction | undefined> {
  const [action] = await tx
    .select()
    .from(reviewActions)
    .where(
      and(
        eq(reviewActions.organizationId, organizationId),
        eq(reviewActions.idempotencyKey, idempotencyKey),
      ),
    );
  return action;
}

/** The flag's action under way (`requested`), if any: at most one, by its unique index. */
export async function findActionInFlight(
  tx: DatabaseTransaction,
  anomalyId: string,
): Promise<ReviewAction | undefined> {
  const [action] = await tx
    .select()
    .from(reviewActions)
    .where(and(eq(reviewActions.anomalyId, anomalyId), eq(reviewActions.status, 'requested')));
  return action;
}

/** True when a stored action is `input` again (same flag, action, target and note). */
export function isSameAction(
  stored: ReviewAction,
  input: ReviewActionInput,
  targetPurchaseId: string | null,
): boolean {
  return (
    stored.anomalyId === input.anomalyId &&
    stored.action === input.action &&
    stored.targetPurchaseId === targetPurchaseId &&
    stored.note === (input.note ?? null)
  );
}

/** Records a new action `requested`; the flag's lock makes it the only one in flight. */
export async function insertAction(
  tx: DatabaseTransaction,
  input: ReviewActionInput,
  targetPurchaseId: string | null,
): Promise<ReviewAction> {
  const [action] = await tx
    .insert(reviewActions)
    .values({
      anomalyId: input.anomalyId,
      organizationId: input.organizationId,
      idempotencyKey: input.idempotencyKey,
      action: input.action,
      targetPurchaseId,
      actorId: input.actorId,
      note: input.note ?? null,
    })
    .returning();
  if (!action) throw new Error('review action insert returned no row');
  return action;
}

/** Closes an action as refused (Stripe's final refusal, or one that does not apply): the flag stays open. */
export async function markRefused(
  ctx: Pick<FulfillmentContext, 'db' | 'clock'>,
  actionId: string,
  code: string,
) {
  await ctx.db
    .update(reviewActions)
    .set({ status: 'refused', refusalCode: code, completedAt: ctx.clock() })
    .where(and(eq(reviewActions.id, actionId), eq(reviewActions.status, 'requested')));
}
