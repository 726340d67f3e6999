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
import { contentPurchases } from './purchases';

export const paymentEventKinds = [
  'refund',
  'refund_failed',
  'dispute_opened',
  'dispute_won',
  'dispute_lost',
  'dispute_funds_withdrawn',
  'dispute_funds_reinstated',
] as const;
export type PaymentEventKind = (typeof paymentEventKinds)[number];

/**
 * What happened to the money of a purchase after the sale (refunds, disputes, their funds), one row
 * per Stripe event: the audit trail behind `content_purchases`' refund and dispute columns.
 */
export const paymentEvents = pgTable(
  'payment_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    purchaseId: uuid('purchase_id')
      .notNull()
      .references(() => contentPurchases.id, { onDelete: 'restrict' }),
    stripeEventId: text('stripe_event_id').notNull(),
    /** The charge, refund or dispute the event is about. */
    stripeObjectId: text('stripe_object_id').notNull(),
    kind: text('kind', { enum: paymentEventKinds }).notNull(),
    /** Cents: cumulative refunded for `refund`, the failed refund's amount, the disputed amount. */
    amountCents: integer('amount_cents'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [
    check(
      'payment_events_kind_valid',
      sql`${table.kind} IN ('refund', 'refund_failed', 'dispute_opened', 'dispute_won', 'dispute_lost', 'dispute_funds_withdrawn', 'dispute_funds_reinstated')`,
    ),
    uniqueIndex('payment_events_stripe_event_id_unique').on(table.stripeEventId),
    // Stripe can report one failed refund twice (refund.updated and refund.failed): undo it once.
    uniqueIndex('payment_events_refund_failed_once')
      .on(table.stripeObjectId)
      .where(sql`${table.kind} = 'refund_failed'`),
    index('payment_events_purchase_id_idx').on(table.purchaseId),
  ],
);

export type PaymentEvent = typeof paymentEvents.$inferSelect;
