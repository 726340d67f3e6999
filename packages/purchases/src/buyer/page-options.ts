import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from '@codex/validation';

/** Which page of a buyer's list to read. */
export interface PageOptions {
  /** The previous page's `nextCursor`; absent for the first page. */
  cursor?: string | undefined;
  /** Rows per page: default 20, at most 100 (a larger value is capped, a smaller one raised to 1). */
  limit?: number | undefined;
}

/**
 * The page size {@link PageOptions} asks for, within the bounds the API promises (at most
 * `maxLimit`, {@link MAX_PAGE_LIMIT} unless an internal walk such as the sales export says more).
 */
export function pageLimit(options: PageOptions, maxLimit = MAX_PAGE_LIMIT): number {
  const limit = Math.trunc(options.limit ?? DEFAULT_PAGE_LIMIT);
  return Number.isFinite(limit) ? Math.min(Math.max(limit, 1), maxLimit) : DEFAULT_PAGE_LIMIT;
}
