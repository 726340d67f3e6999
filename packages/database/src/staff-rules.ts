import { type SQL, sql } from 'drizzle-orm';
import {
  type OrganizationMemberRole,
  organizationMemberRoles,
} from './schema/organization-members';

/*
 * Who may do what in an organization, written once in TypeScript ({@link can}) and once in SQL
 * ({@link staffRoleSql}, {@link rolesAllowedSql}), side by side like the purchase rules. Roles live
 * in the database (`organization_members`, `platform_operators`), never in a token (decision 024):
 * every staff statement reads the caller's role itself, so a removed member is refused on the
 * next request. `staff-rules.test.ts` runs the whole role × action matrix through both halves.
 */

/**
 * A staff role: an organization member's (`owner`, `admin`, `member`), or `operator`, which every
 * row of `platform_operators` has in every organization.
 */
export const staffRoles = [...organizationMemberRoles, 'operator'] as const;
export type StaffRole = (typeof staffRoles)[number];
export type { OrganizationMemberRole };

/** What staff can do on an organization's `/api/organizations/:orgId/*` routes. */
export const staffActions = [
  'read_sales',
  'refund',
  'review',
  'read_earnings',
  'manage_payouts',
] as const;
export type StaffAction = (typeof staffActions)[number];

/**
 * THE policy: which role may do which action. Nothing else decides; a new staff action is one
 * line here.
 */
const allowedRoles: Record<StaffAction, readonly StaffRole[]> = {
  read_sales: ['member', 'admin', 'owner', 'operator'],
  refund: ['admin', 'owner', 'operator'],
  review: ['admin', 'owner', 'operator'],
  // Fees, Stripe's costs and the transfers: the people who run the organization's money.
  read_earnings: ['admin', 'owner', 'operator'],
  // Where the organization is paid (its connected account): its owner, as the issue asks.
  manage_payouts: ['owner', 'operator'],
};

/** True when `role` may perform `action`; false for no role at all (null or undefined). */
export function can(role: StaffRole | null | undefined, action: StaffAction): boolean {
  return role !== null && role !== undefined && allowedRoles[action].includes(role);
}

/** True for a value that is one of {@link staffRoles} (a role as a statement returned it). */
export function isStaffRole(value: unknown): value is StaffRole {
  return staffRoles.some((role) => role === value);
}

/**
 * The caller's role in the organization, as one SQL scalar: `'operator'` for a platform operator
 * (even where they are also a member: the policy gives `operator` every action a member role
 * has), else their `organization_members` row's role, else NULL (not staff of this
 * organization). Two primary-key lookups inside the statement that embeds it; no round trip of
 * its own.
 */
export function staffRoleSql(organizationId: string, userId: string): SQL<StaffRole | null> {
  return sql<StaffRole | null>`COALESCE(
    (SELECT 'operator'::text FROM platform_operators o WHERE o.user_id = ${userId}),
    (SELECT m.role FROM organization_members m
      WHERE m.organization_id = ${organizationId}::uuid AND m.user_id = ${userId}))`;
}

/** `role IN (<the roles that may perform action>)`, in SQL: {@link can} for a role column. */
export function rolesAllowedSql(role: SQL, action: StaffAction): SQL {
  // Constants of the policy table above, not input.
  const allowed = allowedRoles[action].map((name) => `'${name}'`).join(', ');
  return sql`(${role} IN (${sql.raw(allowed)}))`;
}
