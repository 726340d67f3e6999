import { sql } from 'drizzle-orm';
import { check, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * The one Stripe Customer of each buyer, reused by every checkout after the first. Checkout creates
 * it on the buyer's first paid checkout (`customer_creation: always`) and the completion records it
 * here; the primary key makes a second mapping for a buyer impossible: the completion of another
 * first checkout paid meanwhile inserts `ON CONFLICT DO NOTHING`, and its Customer stays unused.
 * `email` is the address last given to Stripe for this customer (null: none), kept so a checkout
 * updates the customer at Stripe only when the buyer's address changed. Personal data: read only to
 * compare, never logged.
 */
export const stripeCustomers = pgTable(
  'stripe_customers',
  {
    customerId: text('customer_id').primaryKey(),
    stripeCustomerId: text('stripe_customer_id').notNull(),
    email: text('email'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('stripe_customers_stripe_customer_id_unique').on(table.stripeCustomerId),
    check(
      'stripe_customers_customer_id_length',
      sql`char_length(${table.customerId}) BETWEEN 1 AND 255`,
    ),
  ],
);

export type StripeCustomer = typeof stripeCustomers.$inferSelect;
