import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import { organizations } from './organizations';
import { contentPurchases } from './purchases';

/**
 * An organization's Stripe connected account (decision 026): created once per organization with
 * controller properties, and what Stripe last said about it. Never trusted from a webhook
 * snapshot: every `account.updated` (and the reconciliation cron) re-reads the account from
 * Stripe and stores that, so the order snapshots arrive in cannot matter.
 */
export const payoutAccounts = pgTable(
  'payout_accounts',
  {
    organizationId: uuid('organization_id')
      .primaryKey()
      .references(() => organizations.id, { onDelete: 'restrict' }),
    /** Stripe's `acct_…`. */
    stripeAccountId: text('stripe_account_id').notNull().unique(),
    /** `capabilities.transfers === 'active'`: the account can receive transfers. */
    transfersActive: boolean('transfers_active').notNull().default(false),
    payoutsEnabled: boolean('payouts_enabled').notNull().default(false),
    detailsSubmitted: boolean('details_submitted').notNull().default(false),
    /** `requirements.currently_due` ∪ `past_due`: what Stripe still needs (field names only). */
    requirementsDue: jsonb('requirements_due').$type<string[]>().notNull().default([]),
    disabledReason: text('disabled_reason'),
    /** When the account was last read from Stripe (the cron re-reads the least recent first). */
    syncedAt: timestamp('synced_at', { withTimezone: true, mode: 'date' }).notNull(),
    ...timestamps,
  },
  (table) => [index('payout_accounts_synced_at_idx').on(table.transfersActive, table.syncedAt)],
);

export type PayoutAccount = typeof payoutAccounts.$inferSelect;

/**
 * What has moved to the organization for one sale (a completed paid purchase with fee terms):
 * its one transfer and the reversals of it. The money owed is not stored: it is derived from the
 * purchase (`payout-rules.ts`: terms, charged, refunded, dispute), and every step moves what has
 * moved towards it. Guarantees held by Postgres: at most one transfer per sale (the primary key
 * and `transfer_id` unique), never more reversed than transferred.
 */
export const salePayouts = pgTable(
  'sale_payouts',
  {
    purchaseId: uuid('purchase_id')
      .primaryKey()
      .references(() => contentPurchases.id, { onDelete: 'restrict' }),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'restrict' }),
    /** The charge (`ch_…`) the transfer names as `source_transaction`; read once from Stripe. */
    stripeChargeId: text('stripe_charge_id'),
    /** Stripe's processing fee, from the charge's balance transaction (borne by the platform). */
    stripeFeeCents: integer('stripe_fee_cents'),
    /** The sale's one transfer (`tr_…`), once created and recorded. */
    transferId: text('transfer_id').unique(),
    transferredCents: integer('transferred_cents').notNull().default(0),
    /** Σ `payout_reversals.amount_cents`, kept in the transaction that records one. */
    reversedCents: integer('reversed_cents').notNull().default(0),
    /**
     * A lease on the sale's next Stripe step (a transfer or a reversal): set by a conditional
     * update, so two workers never send it at once; cleared when the step is recorded or refused.
     */
    leasedUntil: timestamp('leased_until', { withTimezone: true, mode: 'date' }),
    /**
     * Stripe steps sent for this sale (transfer, reversals), counted by the lease's claim: each
     * step's idempotency key carries its number, so a step refused by Stripe is never replayed as
     * that refusal when it is tried again later.
     */
    stepsSent: integer('steps_sent').notNull().default(0),
    /**
     * Steps whose answer was recorded. While below `steps_sent` (a timeout, a crash), the next step
     * first asks Stripe what happened (the transfer by `transfer_group`, the reversals by the
     * transfer), so a lost answer can never make it send twice.
     */
    stepsConfirmed: integer('steps_confirmed').notNull().default(0),
    /** A reversal the connected account could not cover (`balance_insufficient`): its amount. */
    uncoveredCents: integer('uncovered_cents').notNull().default(0),
    ...timestamps,
  },
  (table) => [
    check('sale_payouts_transferred_non_negative', sql`${table.transferredCents} >= 0`),
    check(
      'sale_payouts_reversed_within_transferred',
      sql`${table.reversedCents} >= 0 AND ${table.reversedCents} <= ${table.transferredCents}`,
    ),
    check(
      'sale_payouts_transfer_has_id',
      sql`(${table.transferId} IS NULL) = (${table.transferredCents} = 0)`,
    ),
    check('sale_payouts_uncovered_non_negative', sql`${table.uncoveredCents} >= 0`),
    index('sale_payouts_organization_idx').on(table.organizationId, table.createdAt),
  ],
);

export type SalePayout = typeof salePayouts.$inferSelect;

/** One reversal of a sale's transfer, by Stripe's id (`trr_…`): recorded once however often seen. */
export const payoutReversals = pgTable(
  'payout_reversals',
  {
    id: text('id').primaryKey(),
    purchaseId: uuid('purchase_id')
      .notNull()
      .references(() => salePayouts.purchaseId, { onDelete: 'restrict' }),
    transferId: text('transfer_id').notNull(),
    amountCents: integer('amount_cents').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [
    check('payout_reversals_amount_positive', sql`${table.amountCents} > 0`),
    index('payout_reversals_purchase_idx').on(table.purchaseId),
  ],
);
