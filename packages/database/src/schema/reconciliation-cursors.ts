import { jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { timestamps } from './columns';

/**
 * Where a reconciliation pass stopped, by name, so the next run resumes there instead of starting
 * over (a run stops when its Stripe-call or time budget is spent).
 */
export const reconciliationCursors = pgTable('reconciliation_cursors', {
  name: text('name').primaryKey(),
  state: jsonb('state').$type<Record<string, unknown>>().notNull(),
  ...timestamps,
});

export type ReconciliationCursor = typeof reconciliationCursors.$inferSelect;
