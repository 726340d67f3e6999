import type { MiddlewareHandler } from 'hono';
import { ApiError } from './api-error';

/** A staff member's role in one organization, as the buyer token's `orgs` claim names it. */
export const organizationRoles = ['owner', 'admin', 'member'] as const;
export type OrganizationRole = (typeof organizationRoles)[number];

/** What staff can do on an organization's `/api/organizations/:orgId/*` routes. */
export type OrganizationAction = 'read_sales' | 'refund' | 'review';

/** `orgId → role`, as `buyerAuth` read it from the token (empty for a buyer with no staff role). */
export type OrganizationRoles = Readonly<Record<string, OrganizationRole>>;

/**
 * THE policy: which role may do which action. Every organization route asks {@link can} (through
 * {@link requireOrganizationRole}) and nothing else decides. `refund` is defined for the refund
 * endpoint (issue 14, part B).
 */
const allowedRoles: Record<OrganizationAction, readonly OrganizationRole[]> = {
  read_sales: ['member', 'admin', 'owner'],
  refund: ['admin', 'owner'],
  review: ['admin', 'owner'],
};

/** True when `role` may perform `action`; false for no role at all. */
export function can(role: OrganizationRole | undefined, action: OrganizationAction): boolean {
  return role !== undefined && allowedRoles[action].includes(role);
}

/**
 * Guards an `/api/organizations/:orgId/*` route: the token's role in the path's `orgId` must allow
 * `action`. `buyerAuth` must run first (it sets `organizationRoles`).
 *
 * @throws ApiError `NOT_FOUND` (404, "Organization not found") when the token has no role in that
 *   organization (another organization's id, an unknown id and a malformed id alike), so ids
 *   cannot be probed; `FORBIDDEN` (403) when it has a role that does not allow `action` (the
 *   caller already knows the organization exists).
 */
export const requireOrganizationRole = (
  action: OrganizationAction,
): MiddlewareHandler<{ Variables: { organizationRoles: OrganizationRoles } }> =>
  async function requireOrganizationRole(c, next) {
    const organizationId = (c.req.param('orgId') ?? '').toLowerCase();
    const role = Object.hasOwn(c.var.organizationRoles, organizationId)
      ? c.var.organizationRoles[organizationId]
      : undefined;
    if (role === undefined) throw new ApiError('NOT_FOUND', 'Organization not found');
    if (!can(role, action)) {
      throw new ApiError('FORBIDDEN', 'Your role in this organization does not allow this');
    }
    await next();
  };
