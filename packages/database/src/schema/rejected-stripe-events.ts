import { sql } from 'drizzle-orm';
import {
  check,
  customType,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * `bytea` as a `Uint8Array`, which the drivers send as a binary parameter and read back as a
 * `Buffer` (a `Uint8Array`). A driver that left bytea unparsed would give its hex text (`\x…`).
 */
const bytes = customType<{ data: Uint8Array; driverData: Uint8Array | string }>({
  dataType: () => 'bytea',
  toDriver: (value) => value,
  fromDriver: (value) => {
    if (typeof value !== 'string') return new Uint8Array(value);
    const hex = value.startsWith('\\x') ? value.slice(2) : value;
    return Uint8Array.from({ length: hex.length / 2 }, (_, index) =>
      Number.parseInt(hex.slice(2 * index, 2 * index + 2), 16),
    );
  },
});

/**
 * Correctly signed Stripe events that we could not handle: bytes that are not JSON, JSON that is
 * not an event, or an event whose object does not have the shape we handle. They are acknowledged
 * (Stripe would otherwise retry for days and then disable the endpoint) and kept here exactly as
 * received, so they can be replayed once the code handles them (`pnpm webhooks:replay`).
 */
export const rejectedStripeEvents = pgTable(
  'rejected_stripe_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The event's id when it has a usable one (printable ASCII, never a NUL). */
    stripeEventId: text('stripe_event_id'),
    /** The event's type when it has a usable one (printable ASCII, never a NUL). */
    eventType: text('event_type'),
    /**
     * The parsed event, as rows kept before `raw_payload` existed hold it; null since. May hold
     * personal data: never logged.
     */
    payload: jsonb('payload'),
    /**
     * The verified body exactly as Stripe sent it (the signed bytes: any bytes at all, NUL and
     * invalid UTF-8 included, which neither `jsonb` nor `text` could hold). May hold personal data:
     * never logged.
     */
    rawPayload: bytes('raw_payload'),
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
    check(
      'rejected_stripe_events_payload_kept',
      sql`${table.payload} IS NOT NULL OR ${table.rawPayload} IS NOT NULL`,
    ),
  ],
);

export type RejectedStripeEvent = typeof rejectedStripeEvents.$inferSelect;
