import { sql } from 'drizzle-orm';
import { check, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from './columns';

/** A creator or organization that sells content. */
export const organizations = pgTable(
  'organizations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    /**
     * This organization's platform fee, overriding the platform default (decision 026): basis points
     * of the price before tax, and a fixed part in the sale's currency's smallest unit. Null: the
     * default (both or neither). A sale records the terms in force at its checkout.
     */
    platformFeeBasisPoints: integer('platform_fee_basis_points'),
    platformFeeFixedCents: integer('platform_fee_fixed_cents'),
    ...timestamps,
  },
  (table) => [
    check(
      'organizations_platform_fee_valid',
      sql`(${table.platformFeeBasisPoints} IS NULL) = (${table.platformFeeFixedCents} IS NULL) AND coalesce(${table.platformFeeBasisPoints}, 0) BETWEEN 0 AND 10000 AND coalesce(${table.platformFeeFixedCents}, 0) >= 0`,
    ),
  ],
);

export type Organization = typeof organizations.$inferSelect;
export type NewOrganization = typeof organizations.$inferInsert;
