import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import { organizations } from './organizations';
import { contentPurchases } from './purchases';

/** Why staff refund, as the API accepts it: Stripe's three reasons, or `other` (none sent to Stripe). */
export const refundReasons = ['requested_by_customer', 'duplicate', 'fraudulent', 'other'] as const;
export type RefundReason = (typeof refundReasons)[number];

/**
 * Where a refund request is: `requested` (recorded, Stripe not yet known to have answered: a retry
 * with the same key asks Stripe again with the same idempotency key), `issued` (Stripe created the
 * refund; final) or `refused` (Stripe refused it for good; final, replayed as the same error).
 */
export const refundRequestStatuses = ['requested', 'issued', 'refused'] as const;
export type RefundRequestStatus = (typeof refundRequestStatuses)[number];

/**
 * One refund asked for by an organization's staff through the API, by its `Idempotency-Key`: the
 * same key in the same organization is the same request, whoever sends it and however often, so a
 * double submit reaches Stripe as one idempotent call and answers the same refund. The request's
 * fields are kept to tell a replay (same fields) from a reused key (different fields).
 */
export const refundRequests = pgTable(
  'refund_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'restrict' }),
    idempotencyKey: text('idempotency_key').notNull(),
    purchaseId: uuid('purchase_id')
      .notNull()
      .references(() => contentPurchases.id, { onDelete: 'restrict' }),
    /** The staff member's customer id (the token's `sub`). */
    requestedBy: text('requested_by').notNull(),
    /** As requested; null: all that is left to refund. */
    amountCents: integer('amount_cents'),
    reason: text('reason', { enum: refundReasons }).notNull(),
    note: text('note'),
    revokeAccess: boolean('revoke_access').notNull(),
    status: text('status', { enum: refundRequestStatuses }).notNull().default('requested'),
    /** Once issued: Stripe's refund, its amount and its status when created. */
    stripeRefundId: text('stripe_refund_id'),
    refundedCents: integer('refunded_cents'),
    stripeRefundStatus: text('stripe_refund_status'),
    /** Once refused: the API error code it is answered with. */
    refusalCode: text('refusal_code'),
    ...timestamps,
  },
  (table) => [
    uniqueIndex('refund_requests_organization_key_unique').on(
      table.organizationId,
      table.idempotencyKey,
    ),
    uniqueIndex('refund_requests_stripe_refund_id_unique')
      .on(table.stripeRefundId)
      .where(sql`${table.stripeRefundId} IS NOT NULL`),
    index('refund_requests_purchase_id_idx').on(table.purchaseId),
    check(
      'refund_requests_idempotency_key_length',
      sql`char_length(${table.idempotencyKey}) BETWEEN 1 AND 255`,
    ),
    check(
      'refund_requests_amount_cents_positive',
      sql`${table.amountCents} IS NULL OR ${table.amountCents} > 0`,
    ),
    check(
      'refund_requests_reason_valid',
      sql`${table.reason} IN ('requested_by_customer', 'duplicate', 'fraudulent', 'other')`,
    ),
    check(
      'refund_requests_status_valid',
      sql`${table.status} IN ('requested', 'issued', 'refused')`,
    ),
    check(
      'refund_requests_issued_has_refund',
      sql`(${table.status} = 'issued') = (${table.stripeRefundId} IS NOT NULL)`,
    ),
    check(
      'refund_requests_refused_has_code',
      sql`(${table.status} = 'refused') = (${table.refusalCode} IS NOT NULL)`,
    ),
  ],
);

export type RefundRequest = typeof refundRequests.$inferSelect;
