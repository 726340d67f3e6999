import { sql } from 'drizzle-orm';
import {
  check,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { contentPurchases } from './purchases';

export const fulfillmentAnomalyKinds = [
  'amount_mismatch',
  'currency_mismatch',
  'linkage_mismatch',
  'paid_after_failure',
  'duplicate_payment',
  'foreign_discount',
  'payout_reversal_uncovered',
] as const;
export type FulfillmentAnomalyKind = (typeof fulfillmentAnomalyKinds)[number];

/**
 * Payments that arrived but could not be matched safely to what was sold (wrong amount or
 * currency, a session whose ids disagree with the purchase, money taken for a purchase already
 * failed, a refund that failed after the buyer had bought the item again, a discount that is not
 * the purchase's own organization's code). Access is never granted for them; each is kept here once
 * per (Stripe object, kind) for a person to review, except `foreign_discount`, which is made right
 * automatically (the payment refunded in full, `resolved_at` set).
 */
export const fulfillmentAnomalies = pgTable(
  'fulfillment_anomalies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    purchaseId: uuid('purchase_id').references(() => contentPurchases.id, { onDelete: 'restrict' }),
    /** The Checkout Session (or other Stripe object) the anomaly was seen on. */
    stripeObjectId: text('stripe_object_id').notNull(),
    kind: text('kind', { enum: fulfillmentAnomalyKinds }).notNull(),
    /** Expected and received values; never card data or personal data. */
    details: jsonb('details').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true, mode: 'date' }),
    /**
     * How it was closed: a review action's kind, `settled` (the money model settled it: the
     * purchase holding the slot gave it up), or `refunded_automatically` (`foreign_discount`).
     * Kept when the anomaly re-opens, until it is closed again.
     */
    resolution: text('resolution'),
    /** Who closed it: the staff member's customer id, or `system`. */
    resolvedBy: text('resolved_by'),
    resolutionNote: text('resolution_note'),
  },
  (table) => [
    check(
      'fulfillment_anomalies_kind_valid',
      sql`${table.kind} IN ('amount_mismatch', 'currency_mismatch', 'linkage_mismatch', 'paid_after_failure', 'duplicate_payment', 'foreign_discount', 'payout_reversal_uncovered')`,
    ),
    uniqueIndex('fulfillment_anomalies_object_kind_unique').on(table.stripeObjectId, table.kind),
    index('fulfillment_anomalies_purchase_id_idx').on(table.purchaseId),
  ],
);

export type FulfillmentAnomaly = typeof fulfillmentAnomalies.$inferSelect;
