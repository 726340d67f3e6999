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
  /** A refund issued from the platform by organization staff: who (`actor_id`), why, and how much. */
  'refund_issued',
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
 * per Stripe event, plus one `refund_issued` row per refund staff issued from the platform (who,
 * when, why; no Stripe event): the audit trail behind `content_purchases`' refund and dispute
 * columns.
 */
export const paymentEvents = pgTable(
  'payment_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    purchaseId: uuid('purchase_id')
      .notNull()
      .references(() => contentPurchases.id, { onDelete: 'restrict' }),
    /** The Stripe event recorded; null for `refund_issued`, which records a request of ours. */
    stripeEventId: text('stripe_event_id'),
    /** The charge, refund or dispute the event is about. */
    stripeObjectId: text('stripe_object_id').notNull(),
    kind: text('kind', { enum: paymentEventKinds }).notNull(),
    /** Cents: cumulative refunded for `refund`, the failed refund's amount, the disputed amount. */
    amountCents: integer('amount_cents'),
    /** `refund_issued`: the staff member's customer id (the token's `sub`), the reason and note. */
    actorId: text('actor_id'),
    reason: text('reason'),
    note: text('note'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [
    check(
      'payment_events_kind_valid',
      sql`${table.kind} IN ('refund_issued', 'refund', 'refund_failed', 'dispute_opened', 'dispute_won', 'dispute_lost', 'dispute_funds_withdrawn', 'dispute_funds_reinstated')`,
    ),
    check(
      'payment_events_stripe_event_unless_issued',
      sql`(${table.kind} = 'refund_issued') = (${table.stripeEventId} IS NULL)`,
    ),
    check(
      'payment_events_refund_issued_has_actor',
      sql`${table.kind} <> 'refund_issued' OR (${table.actorId} IS NOT NULL AND ${table.reason} IS NOT NULL)`,
    ),
    uniqueIndex('payment_events_stripe_event_id_unique').on(table.stripeEventId),
    // Recorded by the request and, should that write be lost, by the refund's webhook: once.
    uniqueIndex('payment_events_refund_issued_once')
      .on(table.stripeObjectId)
      .where(sql`${table.kind} = 'refund_issued'`),
    // Stripe can report one failed refund twice (refund.updated and refund.failed): undo it once.
    uniqueIndex('payment_events_refund_failed_once')
      .on(table.stripeObjectId)
      .where(sql`${table.kind} = 'refund_failed'`),
    index('payment_events_purchase_id_idx').on(table.purchaseId),
  ],
);

export type PaymentEvent = typeof paymentEvents.$inferSelect;
