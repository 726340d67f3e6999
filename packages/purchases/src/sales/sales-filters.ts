import {
  and,
  type BuyerPurchaseStatus,
  buyerStatusSql,
  contentPurchases,
  eq,
  type SQL,
  sql,
} from '@codex/database';

/** Which of an organization's sales to read. Every filter is optional. */
export interface SalesFilters {
  /** Only sales in this buyer status (`buyerStatusSql`). */
  status?: BuyerPurchaseStatus | undefined;
  /** Only sales of this content item. */
  contentId?: string | undefined;
  /** Created at or after this instant. */
  from?: Date | undefined;
  /** Created strictly before this instant. */
  to?: Date | undefined;
}

/**
 * The WHERE conditions of the organization's sales under `filters`. The organization and the
 * created-at range are the sales index's own range (`content_purchases_organization_sales_idx`);
 * with a status, the status index's (`content_purchases_organization_status_idx`, which holds
 * `buyerStatusSql` itself: the expression compared here must stay that one). Content is a filter
 * on the range.
 */
export function salesConditions(organizationId: string, filters: SalesFilters): SQL | undefined {
  const columns = contentPurchases;
  return and(
    eq(columns.organizationId, organizationId),
    filters.from === undefined
      ? undefined
      : sql`${columns.createdAt} >= ${filters.from.toISOString()}::timestamptz`,
    filters.to === undefined
      ? undefined
      : sql`${columns.createdAt} < ${filters.to.toISOString()}::timestamptz`,
    filters.contentId === undefined ? undefined : eq(columns.contentId, filters.contentId),
    filters.status === undefined ? undefined : sql`${buyerStatusSql(columns)} = ${filters.status}`,
  );
}
