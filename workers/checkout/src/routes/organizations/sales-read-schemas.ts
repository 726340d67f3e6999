import { buyerPurchaseStatuses } from '@codex/database';
import type { StaffCaller } from '@codex/purchases';
import { contentIdSchema, organizationIdSchema } from '@codex/validation';
import { z } from '@hono/zod-openapi';

// What the three sales reads (`GET …/sales`, `…/sales/summary`, `…/sales.csv`) share.

/** Path parameters of the organization routes. */
export const organizationParamsSchema = z.object({ orgId: organizationIdSchema });

/**
 * The filters of the sales list and its CSV export, besides the created-at range: `status` (a
 * buyer status, the vocabulary of `buyerStatus()` in `@codex/database`) and `contentId`.
 */
export const salesFilterShape = {
  status: z.enum(buyerPurchaseStatuses, { error: 'must be a purchase status' }).optional(),
  contentId: contentIdSchema.optional(),
};

/**
 * What every sales read can answer besides its own: no role in the organization (or no such
 * organization) is 404 `NOT_FOUND`, as for an organization that does not exist, so nothing about
 * another organization can be learnt; a malformed query or id is 400 (it says nothing about any
 * organization).
 */
export const SALES_READ_ERRORS = ['NOT_FOUND', 'VALIDATION_ERROR', 'RATE_LIMITED'] as const;

/** The example messages of {@link SALES_READ_ERRORS}. */
export const salesReadErrorMessages = {
  NOT_FOUND: 'Organization not found',
  VALIDATION_ERROR: 'from: must not be after `to`',
  RATE_LIMITED: 'Too many requests',
} as const;

/** The sentence each sales read's description ends with: who may call it. */
export const STAFF_READ_NOTE =
  "Staff only: the token's `sub` must have a role in `orgId` (a row of `organization_members`: `member`, `admin` or `owner` may read sales; or be a platform operator); otherwise 404, as for an organization that does not exist. The role is read from the database in the same statement as the rows, so a member removed is refused on their next request; the token proves who, never what. At most 120 requests a minute per staff member on the organization routes (429 `RATE_LIMITED` with `Retry-After`).";

/**
 * The caller of a staff route as the services take it: the path's organization and the token's
 * `sub`. Which role they have is the services' to read (`queryAsStaff` in `@codex/purchases`).
 */
export function staffCaller(
  c: { var: { customerId: string } },
  organizationId: string,
): StaffCaller {
  return { organizationId, userId: c.var.customerId };
}
