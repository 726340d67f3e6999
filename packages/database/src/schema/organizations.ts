import { pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from './columns';

/** A creator or organization that sells content. */
export const organizations = pgTable('organizations', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  ...timestamps,
});

export type Organization = typeof organizations.$inferSelect;
export type NewOrganization = typeof organizations.$inferInsert;
