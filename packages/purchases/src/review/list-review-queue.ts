import {
  amountChargedSql,
  contentPurchases,
  type FulfillmentAnomalyKind,
  fulfillmentAnomalies,
  holdsPurchaseSlotSql,
  purchaseRuleColumnsOf,
  type Queryable,
  type ReviewActionKind,
  sql,
} from '@codex/database';
import { keyInstant, keysetPage, type Page, toPage } from '../buyer/page-cursor';
import type { PageOptions } from '../buyer/page-options';
import { queryAsStaff, type StaffCaller } from '../staff/query-as-staff';
import { actionsByKind, type SuggestedRemedy, suggestRemedy } from './review-remedies';

/** Which flags to list: those waiting for a person (default), or those already closed. */
export type ReviewQueueState = 'open' | 'resolved';

/** One purchase of the flagged buyer and item, as the queue shows it. */
export interface ReviewPurchase {
  purchaseId: string;
  status: 'pending' | 'completed' | 'failed';
  chargedCents: number;
  refundedCents: number;
  currency: string;
  /** True when this purchase holds the buyer's slot for the item (grants or may grant access). */
  holdsSlot: boolean;
  disputeStatus: 'open' | 'won' | 'lost' | null;
  stripeCheckoutSessionId: string | null;
  stripePaymentIntentId: string | null;
  createdAt: string;
}

/** What staff did about a flag, newest last: who, when, what, and the refund it made. */
export interface ReviewActionRecord {
  action: ReviewActionKind;
  status: 'requested' | 'done' | 'refused';
  targetPurchaseId: string | null;
  actorId: string;
  note: string | null;
  stripeRefundId: string | null;
  refusalCode: string | null;
  createdAt: string;
}

/** One flagged purchase in the organization's review queue. */
export interface ReviewItem {
  anomalyId: string;
  kind: FulfillmentAnomalyKind;
  /** What was expected and what Stripe showed (never card or personal data). */
  details: Record<string, unknown>;
  /** The Stripe object the problem was seen on (a Checkout Session or a PaymentIntent). */
  stripeObjectId: string;
  flaggedAt: string;
  resolvedAt: string | null;
  resolution: string | null;
  resolvedBy: string | null;
  resolutionNote: string | null;
  customerId: string;
  contentId: string;
  contentTitle: string;
  /** The flagged purchase. */
  purchase: ReviewPurchase;
  /** The buyer's other purchases of the item (e.g. the second payment of a double payment). */
  otherPurchases: ReviewPurchase[];
  /** Refunds and disputes at Stripe of the flagged purchase. */
  stripeRefunds: Array<{ id: string; status: string; amountCents: number }>;
  stripeDisputes: Array<{ id: string; stripeStatus: string; amountCents: number }>;
  allowedActions: ReviewActionKind[];
  /** What the queue proposes for an open flag; null once it is resolved (nothing left to do). */
  suggestedRemedy: SuggestedRemedy | null;
  actions: ReviewActionRecord[];
}

interface ReviewRow {
  id: string;
  cursor_at: string;
  kind: FulfillmentAnomalyKind;
  details: Record<string, unknown>;
  stripe_object_id: string;
  flagged_at: string;
  resolved_at: string | null;
  resolution: string | null;
  resolved_by: string | null;
  resolution_note: string | null;
  purchase_id: string;
  customer_id: string;
  content_id: string;
  content_title: string;
  purchases: ReviewPurchase[];
  refunds: ReviewItem['stripeRefunds'] | null;
  disputes: ReviewItem['stripeDisputes'] | null;
  actions: ReviewActionRecord[] | null;
}

const iso = (column: string) =>
  sql.raw(`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

/**
 * The statement of {@link listReviewQueue}: the organization's flags (open or resolved) newest
 * first after the cursor, each with its purchase and the buyer's other purchases of the item, the
 * flagged purchase's refunds and disputes, and the actions taken, as JSON. One statement.
 */
export function listReviewQueueStatement(
  organizationId: string,
  state: ReviewQueueState,
  options: PageOptions,
) {
  const page = keysetPage('review', options, {
    at: fulfillmentAnomalies.createdAt,
    id: fulfillmentAnomalies.id,
  });
  const sibling = purchaseRuleColumnsOf('sibling');
  return sql`
    SELECT ${fulfillmentAnomalies.id} AS id, ${keyInstant(fulfillmentAnomalies.createdAt)} AS cursor_at,
      ${fulfillmentAnomalies.kind} AS kind, ${fulfillmentAnomalies.details} AS details,
      ${fulfillmentAnomalies.stripeObjectId} AS stripe_object_id,
      ${iso('fulfillment_anomalies.created_at')} AS flagged_at,
      ${iso('fulfillment_anomalies.resolved_at')} AS resolved_at,
      ${fulfillmentAnomalies.resolution} AS resolution, ${fulfillmentAnomalies.resolvedBy} AS resolved_by,
      ${fulfillmentAnomalies.resolutionNote} AS resolution_note,
      ${contentPurchases.id} AS purchase_id, ${contentPurchases.customerId} AS customer_id, ${contentPurchases.contentId} AS content_id,
      content.title AS content_title,
      (SELECT json_agg(json_build_object(
          'purchaseId', sibling.id, 'status', sibling.status,
          'chargedCents', ${amountChargedSql({ amountTotalCents: sql`sibling.amount_total_cents`, pricePaidCents: sql`sibling.price_paid_cents` })},
          'refundedCents', sibling.amount_refunded_cents, 'currency', sibling.currency,
          'holdsSlot', ${holdsPurchaseSlotSql(sibling)}, 'disputeStatus', sibling.dispute_status,
          'stripeCheckoutSessionId', sibling.stripe_checkout_session_id,
          'stripePaymentIntentId', sibling.stripe_payment_intent_id,
          'createdAt', ${iso('sibling.created_at')}) ORDER BY sibling.created_at, sibling.id)
        FROM content_purchases sibling
        WHERE sibling.customer_id = ${contentPurchases.customerId}
          AND sibling.content_id = ${contentPurchases.contentId}) AS purchases,
      (SELECT json_agg(json_build_object('id', refund.id, 'status', refund.status,
          'amountCents', refund.amount_cents) ORDER BY refund.created_at, refund.id)
        FROM stripe_refunds refund WHERE refund.purchase_id = ${contentPurchases.id}) AS refunds,
      (SELECT json_agg(json_build_object('id', dispute.id, 'stripeStatus', dispute.stripe_status,
          'amountCents', dispute.amount_cents) ORDER BY dispute.created_at, dispute.id)
        FROM stripe_disputes dispute WHERE dispute.purchase_id = ${contentPurchases.id}) AS disputes,
      (SELECT json_agg(json_build_object('action', action.action, 'status', action.status,
          'targetPurchaseId', action.target_purchase_id, 'actorId', action.actor_id,
          'note', action.note, 'stripeRefundId', action.stripe_refund_id,
          'refusalCode', action.refusal_code, 'createdAt', ${iso('action.created_at')})
          ORDER BY action.created_at, action.id)
        FROM review_actions action WHERE action.anomaly_id = ${fulfillmentAnomalies.id}) AS actions
    FROM ${fulfillmentAnomalies}
    JOIN ${contentPurchases} ON ${contentPurchases.id} = ${fulfillmentAnomalies.purchaseId}
    JOIN content ON content.id = ${contentPurchases.contentId}
    WHERE ${contentPurchases.organizationId} = ${organizationId}::uuid
      AND ${fulfillmentAnomalies.resolvedAt} IS ${state === 'open' ? sql`NULL` : sql`NOT NULL`}
      ${page.after ? sql`AND ${page.after}` : sql``}
    ORDER BY ${sql.join(page.orderBy, sql`, `)}
    LIMIT ${page.fetchLimit}`;
}

function toReviewItem(row: ReviewRow): ReviewItem {
  const purchases = row.purchases ?? [];
  const purchase = purchases.find((candidate) => candidate.purchaseId === row.purchase_id);
  if (!purchase) throw new Error(`flag ${row.id} lost its purchase`);
  const otherPurchases = purchases.filter((candidate) => candidate !== purchase);
  const slotHolder = otherPurchases.find((candidate) => candidate.holdsSlot);
  return {
    anomalyId: row.id,
    kind: row.kind,
    details: row.details,
    stripeObjectId: row.stripe_object_id,
    flaggedAt: row.flagged_at,
    resolvedAt: row.resolved_at,
    resolution: row.resolution,
    resolvedBy: row.resolved_by,
    resolutionNote: row.resolution_note,
    customerId: row.customer_id,
    contentId: row.content_id,
    contentTitle: row.content_title,
    purchase,
    otherPurchases,
    stripeRefunds: row.refunds ?? [],
    stripeDisputes: row.disputes ?? [],
    allowedActions: [...actionsByKind[row.kind]],
    // Worked out from today's purchases: for a resolved flag it would describe the state after
    // the fix, not the problem, so none is proposed.
    suggestedRemedy: row.resolved_at
      ? null
      : suggestRemedy({
          kind: row.kind,
          purchaseId: purchase.purchaseId,
          details: row.details,
          slotHolderId: slotHolder?.purchaseId ?? null,
        }),
    actions: row.actions ?? [],
  };
}

/**
 * One page of the organization's review queue: its flagged purchases (`open`: waiting for a
 * person; `resolved`: closed, with how, by whom and why), newest first, each with the Stripe
 * objects involved, the allowed actions and the suggested remedy. Only the organization's own
 * flags (a flag on no purchase of ours is the platform's: see the README). One statement, which
 * also reads the caller's role (`queryAsStaff`): `NOT_FOUND` without one, `FORBIDDEN` for a
 * `member`.
 */
export async function listReviewQueue(
  db: Queryable,
  caller: StaffCaller,
  state: ReviewQueueState = 'open',
  options: PageOptions = {},
): Promise<Page<ReviewItem>> {
  const { rows } = await queryAsStaff<ReviewRow & Record<string, unknown>>(
    db,
    caller,
    'review',
    listReviewQueueStatement(caller.organizationId, state, options),
  );
  return toPage('review', rows, options, toReviewItem);
}
