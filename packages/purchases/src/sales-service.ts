import type { Database, HttpDatabase, Queryable } from '@codex/database';
import type { Page } from './buyer/page-cursor';
import type { PageOptions } from './buyer/page-options';
import { listSales, SALES_EXPORT_PAGE_SIZE } from './sales/list-sales';
import type { Sale } from './sales/sale';
import type { SalesFilters } from './sales/sales-filters';
import { type SalesSummary, type SalesSummaryRange, summarizeSales } from './sales/summarize-sales';

export interface SalesServiceDependencies {
  /** The WebSocket pool: used only when `http` is absent. Connects on first use. */
  db: Database;
  /** SQL over HTTP: every read is one request on it, no connection set-up. */
  http?: HttpDatabase | undefined;
}

/**
 * What an organization's staff read about its sales: the list, the summary, and the export's
 * pages. Every method is one statement, one round trip, and reads only the given organization's
 * rows. Who may call it is decided before (the worker's `requireOrganizationRole`); this service
 * trusts the organization id it is given.
 */
export class SalesService {
  readonly #hot: Queryable;

  constructor(dependencies: SalesServiceDependencies) {
    this.#hot = dependencies.http ?? dependencies.db;
  }

  /**
   * A page of the organization's sales under `filters`, newest first. Limit default 20, capped at
   * 100. Throws `PurchaseError` `INVALID_CURSOR` for a cursor this list did not issue.
   */
  listSales(
    organizationId: string,
    filters: SalesFilters = {},
    options: PageOptions = {},
  ): Promise<Page<Sale>> {
    return listSales(this.#hot, organizationId, filters, options);
  }

  /**
   * One page of the export's walk: the same list in pages of {@link SALES_EXPORT_PAGE_SIZE} rows;
   * pass `nextCursor` back until it is null. Throws `PurchaseError` `INVALID_CURSOR` as the list.
   */
  exportSalesPage(
    organizationId: string,
    filters: SalesFilters = {},
    cursor?: string,
  ): Promise<Page<Sale>> {
    return listSales(this.#hot, organizationId, filters, {
      cursor,
      limit: SALES_EXPORT_PAGE_SIZE,
      maxLimit: SALES_EXPORT_PAGE_SIZE,
    });
  }

  /** The organization's completed sales in the range: per currency and per UTC day. One statement. */
  summarizeSales(organizationId: string, range: SalesSummaryRange = {}): Promise<SalesSummary> {
    return summarizeSales(this.#hot, organizationId, range);
  }
}
