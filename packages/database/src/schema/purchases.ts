import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  foreignKey,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { buyerStatusSql, grantsAccessSql, holdsPurchaseSlotSql } from '../purchase-rules';
import { isLowerCaseCurrencyCode, timestamps } from './columns';
import { content } from './content';
import { organizations } from './organizations';

/** How a price relates to tax under Stripe's automatic tax (`price_data[tax_behavior]`). */
export const taxBehaviors = ['exclusive', 'inclusive'] as const;
export type TaxBehavior = (typeof taxBehaviors)[number];

export const purchaseStatuses = ['pending', 'completed', 'failed'] as const;
export type PurchaseStatus = (typeof purchaseStatuses)[number];

/** A chargeback's state: `open` suspends access, `won` restores it, `lost` revokes it for good. */
export const disputeStatuses = ['open', 'won', 'lost'] as const;
export type DisputeStatus = (typeof disputeStatuses)[number];

/**
 * One attempt by a customer to buy one piece of content.
 *
 * Guarantees held by Postgres, not only by code:
 * - at most one row per (customer, content) holds the purchase slot (`holdsPurchaseSlotSql` in
 *   `purchase-rules.ts`: pending, or completed and not fully refunded or lost in a dispute): a
 *   second checkout cannot race past the first (`content_purchases_one_active_per_customer_content`);
 * - a Stripe Checkout Session or PaymentIntent belongs to at most one purchase;
 * - the price paid is never negative, the currency is a lower-case ISO 4217 code;
 * - `organization_id` always equals the content's organization (composite foreign key);
 * - content that has purchases cannot be deleted (`ON DELETE RESTRICT`);
 * - a `completed` row always has `purchased_at`.
 *
 * Money after the sale, derived from `stripe_refunds` and `stripe_disputes` in the transaction that
 * changes them: `amount_refunded_cents` (refunds pending or succeeded), `refunded_at` (set while
 * the refunds reach the refund policy of `purchase-rules.ts`), `refund_keeps_access` (the most recently
 * requested platform refund that counts was issued with `revokeAccess: false`, decision 021) and `dispute_status` (of its chargebacks, never
 * its inquiries: lost if any was lost, else open if any is open, else won). Access: `grantsAccessSql` in `purchase-rules.ts`, where every
 * purchase rule is written in SQL and TypeScript side by side.
 */
export const contentPurchases = pgTable(
  'content_purchases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: text('customer_id').notNull(),
    contentId: uuid('content_id').notNull(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'restrict' }),
    pricePaidCents: integer('price_paid_cents').notNull(),
    currency: text('currency').notNull(),
    status: text('status', { enum: purchaseStatuses }).notNull().default('pending'),
    stripeCheckoutSessionId: text('stripe_checkout_session_id'),
    stripePaymentIntentId: text('stripe_payment_intent_id'),
    /** The session's URL and expiry, kept so a second click reuses it without asking Stripe. */
    stripeCheckoutUrl: text('stripe_checkout_url'),
    stripeCheckoutExpiresAt: timestamp('stripe_checkout_expires_at', {
      withTimezone: true,
      mode: 'date',
    }),
    purchasedAt: timestamp('purchased_at', { withTimezone: true, mode: 'date' }),
    /**
     * The checkout options in force when this purchase's session was created, kept so a deployment
     * that changes them later still judges older sessions by the rules they were sold under:
     * promotion codes allowed, a 100 % discount accepted as payment, and automatic tax (null: off).
     */
    allowPromotionCodes: boolean('allow_promotion_codes').notNull().default(false),
    /**
     * The promotion code (`promo_…`) checkout verified as the item's organization's and attached to
     * the session: the only discount the completion accepts (null: none may lower the price).
     */
    promotionCodeId: text('promotion_code_id'),
    allowFullyDiscounted: boolean('allow_fully_discounted').notNull().default(false),
    taxBehavior: text('tax_behavior', { enum: taxBehaviors }),
    /**
     * What the buyer was actually charged, from the completed session (null until completed, and
     * for purchases completed before these were recorded): discount, tax, and the total
     * (`price_paid_cents − discount + exclusive tax`). `price_paid_cents` stays the catalogue price.
     */
    amountDiscountCents: integer('amount_discount_cents'),
    amountTaxCents: integer('amount_tax_cents'),
    amountTotalCents: integer('amount_total_cents'),
    /**
     * The terms the organization sold under (decision 026), recorded at checkout for paid
     * purchases: the platform fee in basis points of the price before tax, and a fixed part. Null
     * for free purchases and for sales made before payouts existed (never transferred).
     */
    platformFeeBasisPoints: integer('platform_fee_basis_points'),
    platformFeeFixedCents: integer('platform_fee_fixed_cents'),
    refundedAt: timestamp('refunded_at', { withTimezone: true, mode: 'date' }),
    amountRefundedCents: integer('amount_refunded_cents').notNull().default(0),
    /**
     * True while every refund counted in `amount_refunded_cents` was issued from the platform with
     * `revokeAccess: false` (the Stripe refund's `metadata.revokeAccess`): such refunds, even in
     * full, keep access. One refund issued to revoke (any Dashboard refund) and the policy applies.
     */
    refundKeepsAccess: boolean('refund_keeps_access').notNull().default(false),
    disputeStatus: text('dispute_status', { enum: disputeStatuses }),
    disputeUpdatedAt: timestamp('dispute_updated_at', { withTimezone: true, mode: 'date' }),
    /** When reconciliation last asked Stripe about this pending purchase (it rotates through them). */
    lastReconciledAt: timestamp('last_reconciled_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (table) => [
    foreignKey({
      name: 'content_purchases_content_id_fk',
      columns: [table.contentId],
      foreignColumns: [content.id],
    }).onDelete('restrict'),
    foreignKey({
      name: 'content_purchases_content_organization_fk',
      columns: [table.contentId, table.organizationId],
      foreignColumns: [content.id, content.organizationId],
    }).onDelete('restrict'),
    check('content_purchases_price_paid_cents_non_negative', sql`${table.pricePaidCents} >= 0`),
    check('content_purchases_currency_iso_4217_lower', isLowerCaseCurrencyCode(table.currency)),
    check(
      'content_purchases_status_valid',
      sql`${table.status} IN ('pending', 'completed', 'failed')`,
    ),
    check(
      'content_purchases_completed_has_purchased_at',
      sql`${table.status} <> 'completed' OR ${table.purchasedAt} IS NOT NULL`,
    ),
    check(
      'content_purchases_amount_refunded_cents_non_negative',
      sql`${table.amountRefundedCents} >= 0`,
    ),
    check(
      'content_purchases_tax_behavior_valid',
      sql`${table.taxBehavior} IS NULL OR ${table.taxBehavior} IN ('exclusive', 'inclusive')`,
    ),
    check(
      'content_purchases_charged_amounts_non_negative',
      sql`coalesce(${table.amountDiscountCents}, 0) >= 0 AND coalesce(${table.amountTaxCents}, 0) >= 0 AND coalesce(${table.amountTotalCents}, 0) >= 0`,
    ),
    check(
      'content_purchases_platform_fee_terms_valid',
      sql`(${table.platformFeeBasisPoints} IS NULL) = (${table.platformFeeFixedCents} IS NULL) AND coalesce(${table.platformFeeBasisPoints}, 0) BETWEEN 0 AND 10000 AND coalesce(${table.platformFeeFixedCents}, 0) >= 0`,
    ),
    check(
      'content_purchases_dispute_status_valid',
      sql`${table.disputeStatus} IS NULL OR ${table.disputeStatus} IN ('open', 'won', 'lost')`,
    ),
    check(
      'content_purchases_customer_id_length',
      sql`char_length(${table.customerId}) BETWEEN 1 AND 255`,
    ),
    // Also the access check's index: its predicate implies this one, so the check is one probe
    // that finds at most one row. A separate (customer_id, content_id, status) index would
    // duplicate it and also carry the failed and refunded rows.
    uniqueIndex('content_purchases_one_active_per_customer_content')
      .on(table.customerId, table.contentId)
      .where(holdsPurchaseSlotSql(table)),
    uniqueIndex('content_purchases_stripe_checkout_session_id_unique')
      .on(table.stripeCheckoutSessionId)
      .where(sql`${table.stripeCheckoutSessionId} IS NOT NULL`),
    uniqueIndex('content_purchases_stripe_payment_intent_id_unique')
      .on(table.stripePaymentIntentId)
      .where(sql`${table.stripePaymentIntentId} IS NOT NULL`),
    index('content_purchases_content_id_idx').on(table.contentId),
    // The buyer's purchase history, newest first: keyset pages on (created_at, id) read the index
    // in order and stop after one page, whatever the customer's number of purchases. NULLS FIRST
    // is Postgres's own order for `DESC`, so a plain `ORDER BY … DESC` reads the index as it is.
    index('content_purchases_customer_history_idx').on(
      table.customerId,
      table.createdAt.desc().nullsFirst(),
      table.id.desc().nullsFirst(),
    ),
    // The buyer's library: only the rows that grant access, in (purchased_at, id) order, so a page
    // is one ordered range read with no filter and no sort. The slot index cannot serve it: it is
    // keyed by content, so every active row of the customer would be read and sorted per page.
    index('content_purchases_library_idx')
      .on(table.customerId, table.purchasedAt.desc().nullsFirst(), table.id.desc().nullsFirst())
      .where(grantsAccessSql(table)),
    // Reconciliation's scan: pending purchases never checked first, then the least recently checked.
    index('content_purchases_pending_reconcile_idx')
      .on(table.lastReconciledAt.asc().nullsFirst(), table.createdAt)
      .where(sql`${table.status} = 'pending'`),
    // An organization's sales, newest first: keyset pages (and the CSV export's 1,000-row pages)
    // and the summary's created-at range are one ordered range of it. Its leading column also
    // serves every lookup by organization, so the single-column index it replaces is not kept.
    index('content_purchases_organization_sales_idx').on(
      table.organizationId,
      table.createdAt.desc().nullsFirst(),
      table.id.desc().nullsFirst(),
    ),
    // The sales list filtered by status (`?status=`): the status is derived (`buyerStatusSql`), so
    // the index holds the expression itself, and a filtered page is one ordered range of it, however
    // rare the status. The expression must stay the one `salesConditions` compares.
    index('content_purchases_organization_status_idx').on(
      table.organizationId,
      buyerStatusSql(table),
      table.createdAt.desc().nullsFirst(),
      table.id.desc().nullsFirst(),
    ),
  ],
);

export type ContentPurchase = typeof contentPurchases.$inferSelect;
export type NewContentPurchase = typeof contentPurchases.$inferInsert;
