import { z } from 'zod';
import { contentIdSchema, purchaseIdSchema } from './ids';

/** Rows per page of the buyer's lists when the client names no `limit`. */
export const DEFAULT_PAGE_LIMIT = 20;
/** The most rows one page of the buyer's lists returns. */
export const MAX_PAGE_LIMIT = 100;
/** Longest cursor accepted; the cursors the service issues are about 120 characters. */
export const MAX_CURSOR_LENGTH = 200;
/** The most content ids one batch access check answers (one statement, one array of ids). */
export const MAX_ACCESS_CHECK_IDS = 100;

const limitMessage = `must be a whole number from 1 to ${MAX_PAGE_LIMIT}`;

/**
 * Query string of the buyer's paginated lists (`GET /api/purchases`, `GET /api/library`):
 * `cursor`, opaque, as the previous page's `nextCursor` gave it; `limit`, the page size as the query
 * string spells it (digits only), 1 to {@link MAX_PAGE_LIMIT}, default {@link DEFAULT_PAGE_LIMIT}.
 * Other query parameters are ignored. Whether a cursor is genuine is the service's business
 * (`INVALID_CURSOR`); this only bounds its size.
 */
export const listQuerySchema = z.object({
  cursor: z
    .string({ error: 'must be a string' })
    .min(1, { error: 'must not be empty' })
    .max(MAX_CURSOR_LENGTH, { error: `must be at most ${MAX_CURSOR_LENGTH} characters` })
    .optional(),
  limit: z
    .string({ error: 'must be a string' })
    .regex(/^\d{1,3}$/, { error: limitMessage })
    .transform(Number)
    .pipe(z.number().min(1, { error: limitMessage }).max(MAX_PAGE_LIMIT, { error: limitMessage }))
    .default(DEFAULT_PAGE_LIMIT),
});
export type ListQuery = z.infer<typeof listQuerySchema>;

/** Path parameters of `GET /api/purchases/:purchaseId`. */
export const purchaseIdParamsSchema = z.object({ purchaseId: purchaseIdSchema });
export type PurchaseIdParams = z.infer<typeof purchaseIdParamsSchema>;

/**
 * Body of `POST /api/purchases/access`: 1 to {@link MAX_ACCESS_CHECK_IDS} content ids (UUIDs).
 * Duplicates are allowed and collapsed (ids lower-cased first), so the answer has one key per
 * distinct id. Unknown keys are refused.
 */
export const accessManyBodySchema = z.strictObject({
  contentIds: z
    .array(contentIdSchema, { error: 'must be an array of content ids' })
    .min(1, { error: 'must name at least one content id' })
    .max(MAX_ACCESS_CHECK_IDS, {
      error: `must name at most ${MAX_ACCESS_CHECK_IDS} content ids`,
    })
    .transform((ids) => [...new Set(ids)]),
});
export type AccessManyBody = z.infer<typeof accessManyBodySchema>;
