import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Correctly signed Stripe events whose object did not have the shape we handle. They are
 * acknowledged (Stripe would otherwise retry for days and then disable the endpoint) and kept here
 * whole, so they can be replayed once the code handles them (`pnpm webhooks:replay`).
 */
export const rejectedStripeEvents = pgTable(
  'rejected_stripe_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The event's id when it has a usable one. */
    stripeEventId: text('stripe_event_id'),
    eventType: text('event_type'),
    /** The verified event as Stripe sent it. May hold personal data: never logged. */
    payload: jsonb('payload').notNull(),
    /** Which fields did not fit (paths and messages, never values). */
    problems: jsonb('problems').$type<string[]>().notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' })
      .notNull()
      .defaultNow(),
    /** Set when a replay processed it. */
    replayedAt: timestamp('replayed_at', { withTimezone: true, mode: 'date' }),
  },
  (table) => [
    uniqueIndex('rejected_stripe_events_stripe_event_id_unique')
      .on(table.stripeEventId)
      .where(sql`${table.stripeEventId} IS NOT NULL`),
    index('rejected_stripe_events_pending_replay_idx')
      .on(table.receivedAt)
      .where(sql`${table.replayedAt} IS NULL`),
  ],
);

export type RejectedStripeEvent = typeof rejectedStripeEvents.$inferSelect;
