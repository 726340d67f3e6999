import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { contentPurchases } from './purchases';

/**
 * Where to write to the buyer of a purchase: the `email` claim of the token that started the
 * checkout, kept from that moment because the purchase may complete hours later, from a webhook
 * that knows no token. A purchase without a row (the token had no `email` claim) gets no e-mail.
 * Personal data: read only to send, never logged.
 */
export const purchaseContacts = pgTable('purchase_contacts', {
  purchaseId: uuid('purchase_id')
    .primaryKey()
    .references(() => contentPurchases.id, { onDelete: 'cascade' }),
  email: text('email').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

export type PurchaseContact = typeof purchaseContacts.$inferSelect;
