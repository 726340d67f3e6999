import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The webhook inbox: one row per Stripe event id. Inserting the row in the same transaction as the
 * state change it causes is what makes webhook processing exactly-once.
 */
export const stripeWebhookEvents = pgTable(
  'stripe_webhook_events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' })
      .notNull()
      .defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true, mode: 'date' }),
  },
  (table) => [index('stripe_webhook_events_received_at_idx').on(table.receivedAt)],
);

export type StripeWebhookEvent = typeof stripeWebhookEvents.$inferSelect;
export type NewStripeWebhookEvent = typeof stripeWebhookEvents.$inferInsert;
