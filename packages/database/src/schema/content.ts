import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { isLowerCaseCurrencyCode, timestamps } from './columns';
import { organizations } from './organizations';

export const contentStatuses = ['draft', 'published', 'archived'] as const;
export type ContentStatus = (typeof contentStatuses)[number];

/**
 * A piece of content for sale. The row is the only source of a purchase's price, currency,
 * title and organization: clients never send them.
 */
export const content = pgTable(
  'content',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'restrict' }),
    title: text('title').notNull(),
    description: text('description'),
    priceCents: integer('price_cents').notNull(),
    currency: text('currency').notNull().default('usd'),
    status: text('status', { enum: contentStatuses }).notNull().default('draft'),
    ...timestamps,
  },
  (table) => [
    check('content_price_cents_non_negative', sql`${table.priceCents} >= 0`),
    check('content_currency_iso_4217_lower', isLowerCaseCurrencyCode(table.currency)),
    check('content_status_valid', sql`${table.status} IN ('draft', 'published', 'archived')`),
    // Target of the purchases' composite foreign key, which pins a purchase's organization to its content's.
    unique('content_id_organization_id_unique').on(table.id, table.organizationId),
    index('content_organization_id_idx').on(table.organizationId),
  ],
);

export type Content = typeof content.$inferSelect;
export type NewContent = typeof content.$inferInsert;
