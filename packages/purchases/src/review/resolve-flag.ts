import {
  and,
  contentPurchases,
  type DatabaseTransaction,
  eq,
  fulfillmentAnomalies,
  isNull,
  isUniqueViolation,
  type ReviewAction,
  reviewActions,
  sql,
} from '@codex/database';
import type Stripe from 'stripe';
import type { FulfillmentContext } from '../fulfillment/context';
import { lockBuyerItemPurchases, settleBuyerItem } from '../fulfillment/settle-buyer-item';
import { isPurchaseError, PurchaseError } from '../purchase-error';
import { REFUSAL_MESSAGES } from '../refunds/refund-refusals';
import { grantAtCharged } from './grant-at-charged';
import {
  findActionByKey,
  findActionInFlight,
  insertAction,
  isSameAction,
  type LockedFlag,
  lockFlag,
  markRefused,
  type ReviewActionInput,
} from './review-action-store';
import { actionsByKind } from './review-remedies';
import { notAllowed, refundInFull, retrieveSession } from './review-stripe';

/** The answer to a review action. */
export interface ReviewActionAnswer {
  actionId: string;
  anomalyId: string;
  action: ReviewAction['action'];
  status: 'done';
  targetPurchaseId: string | null;
  /** The refund Stripe made for it, and its amount; null when the action moved no money. */
  refundId: string | null;
  refundedCents: number | null;
  /** True when this repeats the answer to an earlier request with the same `Idempotency-Key`. */
  replayed: boolean;
}

/**
 * Resolves a flagged purchase with one action, exactly once per (organization, `Idempotency-Key`)
 * and at most one action per flag at a time:
 * 1. in one transaction, locks the flag (only the organization's), answers a repeated key (the
 *    same fields: its answer again or, if it was cut short, it goes on; other fields:
 *    `IDEMPOTENCY_KEY_REUSED`), refuses a resolved flag, an action its kind does not allow, a
 *    target that is not one of the buyer's paid purchases of the item, and a second action while
 *    one is under way (the same action again resumes that one), then records the action;
 * 2. moves the money at Stripe: a full refund of the target's payment, with an idempotency key of
 *    the action (`review:<action id>`), so every retry of it makes one refund; or reads the
 *    session a grant completes at what it charged;
 * 3. in one transaction, applies it (a grant completes the pending purchase at the session's
 *    amounts and queues its confirmation), closes the flag with who, when and why, appends the
 *    refund's audit line, and re-derives the buyer's purchases of the item (`settleBuyerItem`).
 * A refund's effect on access then follows its webhooks, as every refund's does, and giving up the
 * slot there hands it to the payment kept revoked (a double payment ends with one purchase held).
 * A Stripe failure leaves the action `requested` and throws `PAYMENT_PROVIDER_ERROR`: send the same
 * action again. Stripe's final refusal marks it `refused` (the flag stays open) and throws it.
 */
export async function resolveFlag(
  ctx: FulfillmentContext,
  stripe: Stripe,
  input: ReviewActionInput,
): Promise<ReviewActionAnswer> {
  const { action, flag, replay } = await recordAction(ctx, input);
  if (replay) return replay;
  try {
    return await moveMoneyAndClose(ctx, stripe, action, flag);
  } catch (error) {
    // An action that cannot apply is closed as refused, so it does not hold the flag.
    if (isPurchaseError(error) && error.code === 'REVIEW_ACTION_NOT_ALLOWED') {
      await markRefused(ctx, action.id, error.code);
    }
    throw error;
  }
}

/** Steps 2 and 3 of {@link resolveFlag}. */
async function moveMoneyAndClose(
  ctx: FulfillmentContext,
  stripe: Stripe,
  action: ReviewAction,
  flag: LockedFlag,
): Promise<ReviewActionAnswer> {
  const target = action.targetPurchaseId;
  let refund: Stripe.Refund | undefined;
  let session: Stripe.Checkout.Session | undefined;
  if (target && (action.action === 'refund_payment' || action.action === 'refund_and_close')) {
    refund = await refundInFull(ctx, stripe, action, flag, target);
  } else if (action.action === 'grant_at_charged') {
    session = await retrieveSession(ctx, stripe, flag);
  }

  await ctx.db.transaction(async (tx) => {
    // The buyer's purchases first, then the flag: the order every money event locks them in.
    await lockBuyerItemPurchases(tx, flag.purchaseId);
    const now = ctx.clock();
    if (session && target) await grantAtCharged(ctx, tx, target, session);
    await tx
      .update(reviewActions)
      .set({
        status: 'done',
        completedAt: now,
        stripeRefundId: refund?.id ?? null,
        refundedCents: refund?.amount ?? null,
      })
      .where(and(eq(reviewActions.id, action.id), eq(reviewActions.status, 'requested')));
    await tx
      .update(fulfillmentAnomalies)
      .set({
        resolvedAt: now,
        resolution: action.action,
        resolvedBy: action.actorId,
        resolutionNote: action.note,
      })
      .where(and(eq(fulfillmentAnomalies.id, flag.id), isNull(fulfillmentAnomalies.resolvedAt)));
    if (refund && target) {
      await tx.execute(sql`
        INSERT INTO payment_events (purchase_id, stripe_object_id, kind, amount_cents, actor_id, reason, note, created_at)
        VALUES (${target}::uuid, ${refund.id}, 'refund_issued', ${refund.amount}::int, ${action.actorId},
                ${flag.kind === 'duplicate_payment' ? 'duplicate' : 'other'}, ${action.note}, ${action.createdAt.toISOString()}::timestamptz)
        ON CONFLICT DO NOTHING`);
    }
    await settleBuyerItem(ctx, tx, flag.purchaseId);
  });
  ctx.logger.info('flagged purchase resolved', {
    anomalyId: flag.id,
    kind: flag.kind,
    action: action.action,
    targetPurchaseId: target,
    refundId: refund?.id,
  });
  return answerOf(action, refund?.id ?? null, refund?.amount ?? null, false);
}

function answerOf(
  action: ReviewAction,
  refundId: string | null,
  refundedCents: number | null,
  replayed: boolean,
): ReviewActionAnswer {
  return {
    actionId: action.id,
    anomalyId: action.anomalyId,
    action: action.action,
    status: 'done',
    targetPurchaseId: action.targetPurchaseId,
    refundId,
    refundedCents,
    replayed,
  };
}

/** Step 1: the action recorded (or found again), under the flag's lock. */
async function recordAction(
  ctx: FulfillmentContext,
  input: ReviewActionInput,
): Promise<{ action: ReviewAction; flag: LockedFlag; replay?: ReviewActionAnswer }> {
  try {
    return await ctx.db.transaction(async (tx) => {
      const flag = await lockFlag(
        tx,
        { organizationId: input.organizationId, userId: input.actorId },
        input.anomalyId,
      );
      const target = await targetOf(tx, flag, input);
      const known = await findActionByKey(tx, input.organizationId, input.idempotencyKey);
      if (known) {
        if (!isSameAction(known, input, target)) {
          throw new PurchaseError(
            'IDEMPOTENCY_KEY_REUSED',
            REFUSAL_MESSAGES.IDEMPOTENCY_KEY_REUSED,
          );
        }
        return settledOrResumed(known, flag);
      }
      const inFlight = await findActionInFlight(tx, flag.id);
      if (inFlight) {
        // The same action again, under another key (the first answer was lost): finish that one.
        if (isSameAction(inFlight, input, target)) return { action: inFlight, flag };
        throw new PurchaseError(
          'REVIEW_ACTION_IN_PROGRESS',
          'Another action on this flagged purchase is under way',
        );
      }
      if (flag.resolvedAt) {
        throw new PurchaseError(
          'REVIEW_ITEM_RESOLVED',
          'This flagged purchase is already resolved',
        );
      }
      return { action: await insertAction(tx, input, target), flag };
    });
  } catch (error) {
    // The key was taken by an action on another flag in the same instant.
    if (isUniqueViolation(error, 'review_actions_organization_key_unique')) {
      throw new PurchaseError('IDEMPOTENCY_KEY_REUSED', REFUSAL_MESSAGES.IDEMPOTENCY_KEY_REUSED);
    }
    throw error;
  }
}

function settledOrResumed(
  known: ReviewAction,
  flag: LockedFlag,
): { action: ReviewAction; flag: LockedFlag; replay?: ReviewActionAnswer } {
  if (known.status === 'done') {
    return {
      action: known,
      flag,
      replay: answerOf(known, known.stripeRefundId, known.refundedCents, true),
    };
  }
  if (known.status === 'refused') {
    const code = known.refusalCode ?? 'REFUND_REFUSED_BY_PROVIDER';
    if (code === 'REVIEW_ACTION_NOT_ALLOWED') throw notAllowed('This action no longer applies');
    throw new PurchaseError(
      code === 'REFUND_EXCEEDS_REMAINING' || code === 'PURCHASE_DISPUTED'
        ? code
        : 'REFUND_REFUSED_BY_PROVIDER',
      REFUSAL_MESSAGES[
        code === 'REFUND_EXCEEDS_REMAINING' || code === 'PURCHASE_DISPUTED'
          ? code
          : 'REFUND_REFUSED_BY_PROVIDER'
      ],
    );
  }
  return { action: known, flag };
}

/**
 * The purchase the action moves money on, checked against the flag: `refund_payment` names one of
 * the buyer's purchases of the item that was paid (the flagged one included); `grant_at_charged`
 * and `refund_and_close` act on the flagged purchase; `dismiss` on none. A `dismiss` needs a note.
 */
async function targetOf(
  tx: DatabaseTransaction,
  flag: LockedFlag,
  input: ReviewActionInput,
): Promise<string | null> {
  if (!actionsByKind[flag.kind].includes(input.action)) {
    throw notAllowed(`A ${flag.kind} flag allows ${actionsByKind[flag.kind].join(', ')}`);
  }
  if (input.action === 'dismiss') {
    if (!input.note) throw notAllowed('Dismissing a flagged purchase needs a note saying why');
    return null;
  }
  if (input.action !== 'refund_payment') {
    if (input.targetPurchaseId && input.targetPurchaseId !== flag.purchaseId) {
      throw notAllowed(`${input.action} acts on the flagged purchase only`);
    }
    return flag.purchaseId;
  }
  // Read, not locked: this transaction holds the flag, and locking purchases after a flag would
  // invert the money events' order (purchases, then their flags).
  const [target] = input.targetPurchaseId
    ? await tx
        .select({
          id: contentPurchases.id,
          paymentIntentId: contentPurchases.stripePaymentIntentId,
        })
        .from(contentPurchases)
        .where(
          and(
            eq(contentPurchases.id, input.targetPurchaseId),
            eq(contentPurchases.customerId, flag.customerId),
            eq(contentPurchases.contentId, flag.contentId),
          ),
        )
    : [];
  if (!target?.paymentIntentId) {
    throw notAllowed("targetPurchaseId must be one of the buyer's paid purchases of this item");
  }
  return target.id;
}
