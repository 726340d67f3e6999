import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { fulfillmentAnomalies } from './fulfillment-anomalies';
import { organizations } from './organizations';
import { contentPurchases } from './purchases';

/**
 * What staff can do with a flagged purchase in the review queue (decision 025):
 * - `refund_payment`: refund in full one of the buyer's payments for the item (the flagged one or
 *   the one holding the slot: "refund one of two payments");
 * - `grant_at_charged`: complete a payment held for review at what Stripe charged;
 * - `refund_and_close`: refund the flagged payment in full, and close;
 * - `dismiss`: close with a note, no money moved.
 */
export const reviewActionKinds = [
  'refund_payment',
  'grant_at_charged',
  'refund_and_close',
  'dismiss',
] as const;
export type ReviewActionKind = (typeof reviewActionKinds)[number];

/**
 * Where a review action is: `requested` (recorded; its Stripe call, if any, not yet known to have
 * succeeded: the same `Idempotency-Key` continues it), `done` (applied and the anomaly closed) or
 * `refused` (Stripe refused its refund for good; the anomaly stays open).
 */
export const reviewActionStatuses = ['requested', 'done', 'refused'] as const;
export type ReviewActionStatus = (typeof reviewActionStatuses)[number];

/**
 * Every action staff took on a flagged purchase: who (`actor_id`, the token's `sub`), when, why
 * (`note`) and what it did (its refund at Stripe). One row per (organization, `Idempotency-Key`);
 * at most one action per anomaly is in flight (`requested`) at a time, so two people resolving the
 * same flag cannot both refund.
 */
export const reviewActions = pgTable(
  'review_actions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    anomalyId: uuid('anomaly_id')
      .notNull()
      .references(() => fulfillmentAnomalies.id, { onDelete: 'restrict' }),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'restrict' }),
    idempotencyKey: text('idempotency_key').notNull(),
    action: text('action', { enum: reviewActionKinds }).notNull(),
    /** The purchase whose payment is refunded or granted; null for `dismiss`. */
    targetPurchaseId: uuid('target_purchase_id').references(() => contentPurchases.id, {
      onDelete: 'restrict',
    }),
    actorId: text('actor_id').notNull(),
    note: text('note'),
    status: text('status', { enum: reviewActionStatuses }).notNull().default('requested'),
    /** The refund Stripe made for this action, and its amount. */
    stripeRefundId: text('stripe_refund_id'),
    refundedCents: integer('refunded_cents'),
    /** Once refused: the API error code it is answered with. */
    refusalCode: text('refusal_code'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
  },
  (table) => [
    uniqueIndex('review_actions_organization_key_unique').on(
      table.organizationId,
      table.idempotencyKey,
    ),
    uniqueIndex('review_actions_one_in_flight_per_anomaly')
      .on(table.anomalyId)
      .where(sql`${table.status} = 'requested'`),
    index('review_actions_anomaly_id_idx').on(table.anomalyId),
    check(
      'review_actions_action_valid',
      sql`${table.action} IN ('refund_payment', 'grant_at_charged', 'refund_and_close', 'dismiss')`,
    ),
    check('review_actions_status_valid', sql`${table.status} IN ('requested', 'done', 'refused')`),
    check(
      'review_actions_idempotency_key_length',
      sql`char_length(${table.idempotencyKey}) BETWEEN 1 AND 255`,
    ),
  ],
);

export type ReviewAction = typeof reviewActions.$inferSelect;
