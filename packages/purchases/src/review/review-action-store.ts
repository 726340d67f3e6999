import {
  and,
  contentPurchases,
  type DatabaseTransaction,
  eq,
  type FulfillmentAnomalyKind,
  fulfillmentAnomalies,
  type ReviewAction,
  type ReviewActionKind,
  reviewActions,
} from '@codex/database';
import type { FulfillmentContext } from '../fulfillment/context';
import { PurchaseError } from '../purchase-error';

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

/** The organization's flag `anomalyId`, locked for the caller's transaction; NOT_FOUND otherwise. */
export async function lockFlag(
  tx: DatabaseTransaction,
  organizationId: string,
  anomalyId: string,
): Promise<LockedFlag> {
  const [flag] = await tx
    .select({
      id: fulfillmentAnomalies.id,
      kind: fulfillmentAnomalies.kind,
      stripeObjectId: fulfillmentAnomalies.stripeObjectId,
      details: fulfillmentAnomalies.details,
      resolvedAt: fulfillmentAnomalies.resolvedAt,
      purchaseId: contentPurchases.id,
      customerId: contentPurchases.customerId,
      contentId: contentPurchases.contentId,
    })
    .from(fulfillmentAnomalies)
    .innerJoin(contentPurchases, eq(contentPurchases.id, fulfillmentAnomalies.purchaseId))
    .where(
      and(
        eq(fulfillmentAnomalies.id, anomalyId),
        eq(contentPurchases.organizationId, organizationId),
      ),
    )
    .for('update', { of: fulfillmentAnomalies });
  if (!flag) throw new PurchaseError('NOT_FOUND', 'Flagged purchase not found');
  return flag;
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
