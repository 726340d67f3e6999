import { z } from 'zod';
import { listQuerySchema } from './buyer-queries';
import { contentIdSchema, organizationIdSchema } from './ids';

/**
 * A purchase's state as the buyer understands it, the vocabulary of `buyerStatus()` in
 * `@codex/purchases` (which maps a row to one of these) and of the sales list's `status` filter.
 */
export const buyerPurchaseStatuses = [
  'pending',
  'completed',
  'refunded',
  'partially_refunded',
  'disputed',
  'failed',
] as const;

const instantMessage = 'must be an ISO 8601 date (2026-01-31) or date-time with offset';

/** An ISO 8601 date (UTC midnight) or date-time with `Z` or an offset, as a `Date`. */
const instantSchema = z
  .string({ error: 'must be a string' })
  .max(40, { error: instantMessage })
  .refine(
    (value) =>
      z.iso.date().safeParse(value).success ||
      z.iso.datetime({ offset: true }).safeParse(value).success,
    { error: instantMessage },
  )
  .transform((value) => new Date(value));

/** The created-at range of the sales reads: `from` inclusive, `to` exclusive, both optional. */
const rangeShape = {
  from: instantSchema.optional(),
  to: instantSchema.optional(),
};

const rangeInOrder = (range: { from?: Date | undefined; to?: Date | undefined }) =>
  range.from === undefined || range.to === undefined || range.from <= range.to;
const rangeOrderIssue = { error: 'must not be after `to`', path: ['from'] };

/**
 * Query string of `GET /api/organizations/{orgId}/sales` and `.../sales.csv`: the list's `cursor`
 * and `limit` (as `listQuerySchema`), `status` (a buyer status), `contentId` and the created-at
 * range `from` (inclusive) / `to` (exclusive). `from` after `to` is refused.
 */
export const salesQuerySchema = z
  .object({
    cursor: listQuerySchema.shape.cursor,
    limit: listQuerySchema.shape.limit,
    status: z.enum(buyerPurchaseStatuses, { error: 'must be a purchase status' }).optional(),
    contentId: contentIdSchema.optional(),
    ...rangeShape,
  })
  .refine(rangeInOrder, rangeOrderIssue);
export type SalesQuery = z.infer<typeof salesQuerySchema>;

/** Query string of the CSV export: the list's filters, no cursor or limit (it is every row). */
export const salesExportQuerySchema = z
  .object({
    status: z.enum(buyerPurchaseStatuses, { error: 'must be a purchase status' }).optional(),
    contentId: contentIdSchema.optional(),
    ...rangeShape,
  })
  .refine(rangeInOrder, rangeOrderIssue);
export type SalesExportQuery = z.infer<typeof salesExportQuerySchema>;

/** Query string of `GET /api/organizations/{orgId}/sales/summary`: the created-at range. */
export const salesSummaryQuerySchema = z.object(rangeShape).refine(rangeInOrder, rangeOrderIssue);
export type SalesSummaryQuery = z.infer<typeof salesSummaryQuerySchema>;

/** Path parameters of the organization routes. */
export const organizationParamsSchema = z.object({ orgId: organizationIdSchema });
export type OrganizationParams = z.infer<typeof organizationParamsSchema>;
