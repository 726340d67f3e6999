import { and, contentPurchases, type Queryable, type SQL } from '@codex/database';
import { keysetPage, type Page, toPage } from '../buyer/page-cursor';
import type { PageOptions } from '../buyer/page-options';
import { queryAsStaff, type StaffCaller } from '../staff/query-as-staff';
import { type Sale, type SaleRow, selectSales, toSale } from './sale';
import { type SalesFilters, salesConditions } from './sales-filters';

/**
 * Rows per statement of the CSV export's walk: big enough that a year of sales is a few hundred
 * round trips, small enough that one page (about 300 bytes a row) stays far below the Worker's
 * 128 MB whatever the organization's size.
 */
export const SALES_EXPORT_PAGE_SIZE = 1000;

/** Options of one page of the sales list: the API's page (1–100 rows) or the export's (up to 1,000). */
export interface ListSalesOptions extends PageOptions {
  /** Raises the page-size cap for an internal walk (the export); the API's cap otherwise. */
  maxLimit?: number | undefined;
}

/**
 * The statement of {@link listSales}: the organization's sales under `filters` in
 * `(created_at DESC, id DESC)` order after the cursor, `limit + 1` rows. Read from
 * `content_purchases_organization_sales_idx` as one range. Throws `PurchaseError` `INVALID_CURSOR`
 * for a cursor this list did not issue.
 */
export function listSalesStatement(
  organizationId: string,
  filters: SalesFilters = {},
  options: ListSalesOptions = {},
): SQL {
  const page = keysetPage(
    'sales',
    options,
    { at: contentPurchases.createdAt, id: contentPurchases.id },
    options.maxLimit,
  );
  return selectSales()
    .where(and(salesConditions(organizationId, filters), page.after))
    .orderBy(...page.orderBy)
    .limit(page.fetchLimit)
    .getSQL();
}

/**
 * One page of the organization's sales, newest first (by when the checkout started, which never
 * changes, so a walk sees every row that existed when it began exactly once). Only the
 * organization's own rows, for a caller whose role may `read_sales` (read by the same statement).
 * One statement, one round trip. Throws `PurchaseError` `INVALID_CURSOR` for a cursor this list
 * did not issue, before any query; `NOT_FOUND` / `FORBIDDEN` as `queryAsStaff`.
 */
export async function listSales(
  db: Queryable,
  caller: StaffCaller,
  filters: SalesFilters = {},
  options: ListSalesOptions = {},
): Promise<Page<Sale>> {
  const statement = listSalesStatement(caller.organizationId, filters, options);
  const { rows } = await queryAsStaff<SaleRow>(db, caller, 'read_sales', statement);
  return toPage('sales', rows, options, toSale, options.maxLimit);
}
