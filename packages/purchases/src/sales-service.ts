import type { Database, HttpDatabase, Queryable } from '@codex/database';
import type { Page } from './buyer/page-cursor';
import type { PageOptions } from './buyer/page-options';
import { listSales, SALES_EXPORT_PAGE_SIZE } from './sales/list-sales';
import type { Sale } from './sales/sale';
import type { SalesFilters } from './sales/sales-filters';
import { type SalesSummary, type SalesSummaryRange, summarizeSales } from './sales/summarize-sales';
import type { StaffCaller } from './staff/query-as-staff';

export interface SalesServiceDependencies {
  /** The WebSocket pool: used only when `http` is absent. Connects on first use. */
  db: Database;
  /** SQL over HTTP: every read is one request on it, no connection set-up. */
  http?: HttpDatabase | undefined;
}

/**
 * What an organization's staff read about its sales: the list, the summary, and the export's
 * pages. Every method is one statement, one round trip, reads only the caller's organization's
 * rows, and decides itself who may: the same statement reads the caller's role
 * (`organization_members`, `platform_operators`; `queryAsStaff`), so no role is `PurchaseError`
 * `NOT_FOUND` ("Organization not found") and a role that may not `read_sales` is `FORBIDDEN`.
 */
export class SalesService {
  readonly #hot: Queryable;

  constructor(dependencies: SalesServiceDependencies) {
    this.#hot = dependencies.http ?? dependencies.db;
  }

  /**
   * A page of the organization's sales under `filters`, newest first. Limit default 20, capped at
   * 100. Throws `PurchaseError` `INVALID_CURSOR` for a cursor this list did not issue, `NOT_FOUND`
   * and `FORBIDDEN` as the class says.
   */
  listSales(
    caller: StaffCaller,
    filters: SalesFilters = {},
    options: PageOptions = {},
  ): Promise<Page<Sale>> {
    return listSales(this.#hot, caller, filters, options);
  }

  /**
   * One page of the export's walk: the same list in pages of {@link SALES_EXPORT_PAGE_SIZE} rows;
   * pass `nextCursor` back until it is null. Throws `PurchaseError` as the list. Every page reads
   * the caller's role again (free: the same statement), so a member removed during a long export
   * stops it at the next page.
   */
  exportSalesPage(
    caller: StaffCaller,
    filters: SalesFilters = {},
    cursor?: string,
  ): Promise<Page<Sale>> {
    return listSales(this.#hot, caller, filters, {
      cursor,
      limit: SALES_EXPORT_PAGE_SIZE,
      maxLimit: SALES_EXPORT_PAGE_SIZE,
    });
  }

  /** The organization's completed sales in the range: per currency and per UTC day. One statement. */
  summarizeSales(caller: StaffCaller, range: SalesSummaryRange = {}): Promise<SalesSummary> {
    return summarizeSales(this.#hot, caller, range);
  }
}
