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

export const emailKinds = [
  'purchase_confirmation',
  'access_revoked',
  'access_restored',
  'refund_receipt',
] as const;
export type EmailKind = (typeof emailKinds)[number];

export const emailOutboxStatuses = ['pending', 'sending', 'sent', 'dead'] as const;
export type EmailOutboxStatus = (typeof emailOutboxStatuses)[number];

/**
 * One e-mail to send, written in the same transaction as the purchase change it announces.
 *
 * Guarantees held by Postgres:
 * - one row per event: `dedupe_key` is unique (`purchase_confirmation:<purchase id>`;
 *   `access_revoked:<purchase id>:<n>` for the n-th time the purchase lost access;
 *   `refund_receipt:<Stripe refund id>` for each refund that succeeded), and every
 *   writer inserts with `ON CONFLICT DO NOTHING`;
 * - a `sent` row has `sent_at`, a `dead` row has `dead_at`; attempts never go negative.
 *
 * The row id is the provider's idempotency key, so a send retried after a timeout is one e-mail.
 * `sending` with `locked_until` is a lease: a consumer that died mid-send leaves a row whose lease
 * expires and is claimed again. `last_error` holds a short code (`timeout`, `http_422:validation_error`), never the address.
 *
 * `subject`, `html_body` and `text_body` are the message's bytes, written once before its first
 * attempt and sent unchanged on every attempt: the provider refuses another body under a used
 * idempotency key, so a retry must never render again from live data. All three or none.
 * `revivals` counts how often the cron gave a message dead-lettered by a provider outage a new
 * round of attempts (bounded, see `EmailOutbox.reviveOutageDeadMessages`).
 */
export const emailOutbox = pgTable(
  'email_outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    purchaseId: uuid('purchase_id')
      .notNull()
      .references(() => contentPurchases.id, { onDelete: 'restrict' }),
    kind: text('kind', { enum: emailKinds }).notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    status: text('status', { enum: emailOutboxStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' })
      .notNull()
      .defaultNow(),
    lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
    providerMessageId: text('provider_message_id'),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }),
    deadAt: timestamp('dead_at', { withTimezone: true, mode: 'date' }),
    subject: text('subject'),
    htmlBody: text('html_body'),
    textBody: text('text_body'),
    revivals: integer('revivals').notNull().default(0),
  },
  (table) => [
    uniqueIndex('email_outbox_dedupe_key_unique').on(table.dedupeKey),
    check(
      'email_outbox_kind_valid',
      sql`${table.kind} IN ('purchase_confirmation', 'access_revoked', 'access_restored', 'refund_receipt')`,
    ),
    // A receipt is rendered when it is written: what it says (access kept or not) is the state
    // of that moment, which a later render could no longer see.
    check(
      'email_outbox_receipt_rendered',
      sql`${table.kind} <> 'refund_receipt' OR ${table.subject} IS NOT NULL`,
    ),
    check(
      'email_outbox_rendered_whole',
      sql`(${table.subject} IS NULL) = (${table.htmlBody} IS NULL) AND (${table.subject} IS NULL) = (${table.textBody} IS NULL)`,
    ),
    check('email_outbox_revivals_non_negative', sql`${table.revivals} >= 0`),
    check(
      'email_outbox_status_valid',
      sql`${table.status} IN ('pending', 'sending', 'sent', 'dead')`,
    ),
    check('email_outbox_attempts_non_negative', sql`${table.attempts} >= 0`),
    check(
      'email_outbox_sent_has_sent_at',
      sql`${table.status} <> 'sent' OR ${table.sentAt} IS NOT NULL`,
    ),
    check(
      'email_outbox_dead_has_dead_at',
      sql`${table.status} <> 'dead' OR ${table.deadAt} IS NOT NULL`,
    ),
    index('email_outbox_purchase_id_idx').on(table.purchaseId),
    // The cron's two scans: pending rows that are due, and leases that expired.
    index('email_outbox_pending_due_idx')
      .on(table.nextAttemptAt)
      .where(sql`${table.status} = 'pending'`),
    index('email_outbox_sending_lease_idx')
      .on(table.lockedUntil)
      .where(sql`${table.status} = 'sending'`),
    // What a person looks at: the dead letters, newest first.
    index('email_outbox_dead_idx').on(table.deadAt.desc()).where(sql`${table.status} = 'dead'`),
  ],
);

export type EmailOutboxRow = typeof emailOutbox.$inferSelect;
