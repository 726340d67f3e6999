import { z } from 'zod';

/** Rows per page of the paginated lists when the client names no `limit`. */
export const DEFAULT_PAGE_LIMIT = 20;
/** The most rows one page of the paginated lists returns. */
export const MAX_PAGE_LIMIT = 100;
/** Longest cursor accepted; the cursors the service issues are about 120 characters. */
export const MAX_CURSOR_LENGTH = 200;

const limitMessage = `must be a whole number from 1 to ${MAX_PAGE_LIMIT}`;

/**
 * Query string of the paginated lists (`GET /api/purchases`, `GET /api/library`; the sales list
 * takes its two fields): `cursor`, opaque, as the previous page's `nextCursor` gave it; `limit`,
 * the page size as the query string spells it (digits only), 1 to {@link MAX_PAGE_LIMIT}, default
 * {@link DEFAULT_PAGE_LIMIT}. Other query parameters are ignored. Whether a cursor is genuine is
 * the service's business (`INVALID_CURSOR`); this only bounds its size.
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
