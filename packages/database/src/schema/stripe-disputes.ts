import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import { contentPurchases } from './purchases';

/** Stripe's statuses of a dispute (https://docs.stripe.com/api/disputes/object#dispute_object-status). */
export const stripeDisputeStatuses = [
  'warning_needs_response',
  'warning_under_review',
  'warning_closed',
  'needs_response',
  'under_review',
  'won',
  'lost',
  'prevented',
] as const;
export type StripeDisputeStatus = (typeof stripeDisputeStatuses)[number];

/**
 * How far along its life a dispute is, by Stripe's own status: a stored dispute only moves to a
 * higher rank, so a late or repeated snapshot never undoes a later one, and every forward move is
 * recorded (`needs_response` → `under_review` included).
 *
 * The order is Stripe's (https://docs.stripe.com/disputes/how-disputes-work): an inquiry
 * (`warning_needs_response` → `warning_under_review` → `warning_closed`, no funds withdrawn) may
 * escalate to a chargeback on the same dispute object, even after it closed ("inquiries can escalate
 * to chargebacks"), so every inquiry status ranks below every chargeback status; a chargeback
 * (`needs_response` → `under_review`) ends `won` or `lost`, and `prevented` (stopped before it
 * became one) is final too. `lost` ranks above `won` and `prevented`, so a contradictory pair of
 * final snapshots keeps the one that costs the buyer access.
 */
export const stripeDisputeStatusRank: Record<StripeDisputeStatus, number> = {
  warning_needs_response: 0,
  warning_under_review: 1,
  warning_closed: 2,
  needs_response: 3,
  under_review: 4,
  won: 5,
  prevented: 5,
  lost: 6,
};

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
    /**
     * Stripe's own status of the furthest snapshot (`needs_response`, `warning_closed`, …): what
     * the dispute's rank and whether it is an inquiry (`isChargeback` in the purchase rules) are
     * read from.
     */
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
