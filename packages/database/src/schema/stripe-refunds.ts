import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import { contentPurchases } from './purchases';

/** A Stripe refund's status, as Stripe names it. */
export const refundStatuses = [
  'pending',
  'requires_action',
  'succeeded',
  'failed',
  'canceled',
] as const;
export type RefundStatus = (typeof refundStatuses)[number];

/**
 * How far along its life a refund status is. A stored refund only ever moves to a higher rank, so a
 * late or repeated snapshot cannot undo a later one: in flight (0) → succeeded (1) → failed or
 * canceled (2, final). Stripe lets a succeeded refund fail later (the card was closed), never the
 * reverse.
 */
export const refundStatusRank: Record<RefundStatus, number> = {
  pending: 0,
  requires_action: 0,
  succeeded: 1,
  failed: 2,
  canceled: 2,
};

/** Statuses whose amount counts as refunded: what Stripe counts in a charge's `amount_refunded`. */
export const countedRefundStatuses = ['pending', 'requires_action', 'succeeded'] as const;

/**
 * Every refund of a purchase, by its Stripe id, with the furthest status any snapshot showed.
 * `content_purchases.amount_refunded_cents` and `refunded_at` are derived from these rows, in the
 * same transaction that changes them.
 */
export const stripeRefunds = pgTable(
  'stripe_refunds',
  {
    /** Stripe's `re_…` (or `pyr_…`) id. */
    id: text('id').primaryKey(),
    purchaseId: uuid('purchase_id')
      .notNull()
      .references(() => contentPurchases.id, { onDelete: 'restrict' }),
    amountCents: integer('amount_cents').notNull(),
    status: text('status', { enum: refundStatuses }).notNull(),
    /**
     * False only for a refund issued from the platform with `revokeAccess: false` (its Stripe
     * `metadata.revokeAccess` is `"false"`). Read only for platform refunds: of those that count,
     * the most recently requested decides whether a full refund ends access (decision 021). Once
     * any snapshot says true it stays true, so snapshot order cannot matter.
     */
    revokesAccess: boolean('revokes_access').notNull().default(true),
    ...timestamps,
  },
  (table) => [
    check('stripe_refunds_amount_cents_non_negative', sql`${table.amountCents} >= 0`),
    check(
      'stripe_refunds_status_valid',
      sql`${table.status} IN ('pending', 'requires_action', 'succeeded', 'failed', 'canceled')`,
    ),
    index('stripe_refunds_purchase_id_idx').on(table.purchaseId),
  ],
);

export type StripeRefund = typeof stripeRefunds.$inferSelect;
