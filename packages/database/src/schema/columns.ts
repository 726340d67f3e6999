import { sql } from 'drizzle-orm';
import { type AnyPgColumn, timestamp } from 'drizzle-orm/pg-core';

/** `created_at` / `updated_at`, both `timestamptz NOT NULL DEFAULT now()`; the ORM refreshes `updated_at` on every update it issues. */
export const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date()),
};

/** SQL predicate for a lower-case ISO 4217 currency code (`usd`, `eur`, ...), the form Stripe uses. */
export const isLowerCaseCurrencyCode = (column: AnyPgColumn) => sql`${column} ~ '^[a-z]{3}$'`;
