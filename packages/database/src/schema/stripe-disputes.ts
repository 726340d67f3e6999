import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import { contentPurchases, type DisputeStatus } from './purchases';

/**
 * How far along its life a dispute is: open (0) → won (1) → lost (2). A stored dispute only moves to
 * a higher rank, so `lost` is final and a late `created` or `updated` snapshot never reopens a
 * closed dispute.
 */
export const disputeStatusRank: Record<DisputeStatus, number> = { open: 0, won: 1, lost: 2 };

/**
 * Every dispute (chargeback or inquiry) on a purchase's charge, by its Stripe id, with the
 * furthest status any snapshot showed. `content_purchases.dispute_status` is derived from these
 * rows in the same transaction that changes them.
 */
export const stripeDisputes = pgTable(
  'stripe_disputes',
  {
    /** Stripe's `du_…` id. */
    id: text('id').primaryKey(),
    purchaseId: uuid('purchase_id')
      .notNull()
      .references(() => contentPurchases.id, { onDelete: 'restrict' }),
    amountCents: integer('amount_cents').notNull(),
    status: text('status', { enum: ['open', 'won', 'lost'] }).notNull(),
    /** Stripe's own status of the furthest snapshot (`needs_response`, `warning_closed`, …), for support. */
    stripeStatus: text('stripe_status').notNull(),
    ...timestamps,
  },
  (table) => [
    check('stripe_disputes_amount_cents_non_negative', sql`${table.amountCents} >= 0`),
    check('stripe_disputes_status_valid', sql`${table.status} IN ('open', 'won', 'lost')`),
    index('stripe_disputes_purchase_id_idx').on(table.purchaseId),
  ],
);

export type StripeDispute = typeof stripeDisputes.$inferSelect;
