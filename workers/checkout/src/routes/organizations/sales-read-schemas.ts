import { buyerPurchaseStatuses } from '@codex/database';
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
 * organization) is 404 `NOT_FOUND`, checked before the query string, so nothing about another
 * organization can be learnt; a malformed query is 400.
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
  "Staff only: the token's `orgs` claim must give a role in `orgId` (`member`, `admin` or `owner` may read sales); otherwise 404, as for an organization that does not exist. At most 120 requests a minute per staff member on the organization routes (429 `RATE_LIMITED` with `Retry-After`).";
