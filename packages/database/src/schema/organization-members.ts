import { sql } from 'drizzle-orm';
import { check, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './organizations';

/** A staff member's role in one organization, as `organization_members.role` holds it. */
export const organizationMemberRoles = ['owner', 'admin', 'member'] as const;
export type OrganizationMemberRole = (typeof organizationMemberRoles)[number];

const createdAt = timestamp('created_at', { withTimezone: true, mode: 'date' })
  .notNull()
  .defaultNow();

/**
 * Who is staff of which organization, and with which role: the only source of staff power
 * (decision 024). Each staff route reads the caller's row in its own statement (`staffRoleSql`),
 * so deleting a row takes effect on the member's next request, whatever their token says.
 * `user_id` is the identity provider's subject (the token's `sub`, as a customer id).
 */
export const organizationMembers = pgTable(
  'organization_members',
  {
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    userId: text('user_id').notNull(),
    role: text('role', { enum: organizationMemberRoles }).notNull(),
    createdAt,
  },
  (table) => [
    primaryKey({ columns: [table.organizationId, table.userId] }),
    check('organization_members_role_valid', sql`${table.role} IN ('owner', 'admin', 'member')`),
    check(
      'organization_members_user_id_length',
      sql`char_length(${table.userId}) BETWEEN 1 AND 255`,
    ),
  ],
);

/**
 * The platform's own operators: each has the role `operator` in every organization (the review
 * queue, support). A row here is power over every organization's sales and refunds: add one by
 * hand, with a `note` saying who and why.
 */
export const platformOperators = pgTable(
  'platform_operators',
  {
    userId: text('user_id').primaryKey(),
    createdAt,
    /** Who this is and why they are an operator (free text, for the people reading the table). */
    note: text('note'),
  },
  (table) => [
    check('platform_operators_user_id_length', sql`char_length(${table.userId}) BETWEEN 1 AND 255`),
  ],
);

export type OrganizationMember = typeof organizationMembers.$inferSelect;
export type PlatformOperator = typeof platformOperators.$inferSelect;
