import { z } from 'zod';

const instantMessage = 'must be an ISO 8601 date (2026-01-31) or date-time with offset';

/** An ISO 8601 date (UTC midnight) or date-time with `Z` or an offset, as a `Date`. */
export const instantSchema = z
  .string({ error: 'must be a string' })
  .max(40, { error: instantMessage })
  .refine(
    (value) =>
      z.iso.date().safeParse(value).success ||
      z.iso.datetime({ offset: true }).safeParse(value).success,
    { error: instantMessage },
  )
  .transform((value) => new Date(value));

/** The created-at range of a query: `from` inclusive, `to` exclusive, both optional instants. */
const createdAtRangeShape = {
  from: instantSchema.optional(),
  to: instantSchema.optional(),
};

/** False only when both ends are given and `from` is after `to`. */
const isInOrder = (range: { from?: unknown; to?: unknown }) =>
  !(range.from instanceof Date && range.to instanceof Date && range.from > range.to);

/**
 * A query-string schema of `shape` followed by the created-at range `from` (inclusive) and `to`
 * (exclusive), each an ISO 8601 date (UTC midnight) or date-time with offset, both optional.
 * `from` after `to` is refused, with the issue on `from`.
 */
export function withCreatedAtRange<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.object({ ...shape, ...createdAtRangeShape }).refine(isInOrder, {
    error: 'must not be after `to`',
    path: ['from'],
  });
}
