import { and, contentPurchases, eq, type Queryable, queryRows, type SQL } from '@codex/database';
import {
  type BuyerPurchase,
  type BuyerPurchaseRow,
  selectBuyerPurchases,
  toBuyerPurchase,
} from './buyer-purchase';
import { keysetPage, type Page, toPage } from './page-cursor';
import type { PageOptions } from './page-options';

/**
 * The statement of {@link listPurchases}: the customer's purchases in `(created_at DESC, id DESC)`
 * order after the cursor, `limit + 1` rows (the extra one says whether a next page exists). Read
 * from `content_purchases_customer_history_idx` as one range. Throws `PurchaseError`
 * `INVALID_CURSOR` for a cursor this list did not issue.
 */
export function listPurchasesStatement(customerId: string, options: PageOptions = {}): SQL {
  const page = keysetPage('purchases', options, {
    at: contentPurchases.createdAt,
    id: contentPurchases.id,
  });
  return selectBuyerPurchases()
    .where(and(eq(contentPurchases.customerId, customerId), page.after))
    .orderBy(...page.orderBy)
    .limit(page.fetchLimit)
    .getSQL();
}

/**
 * One page of the customer's purchases, newest first (by when the checkout started, which never
 * changes, so a walk through the pages sees every row that existed when it began exactly once,
 * whatever is bought meanwhile). Only the customer's own rows. One statement, one round trip on
 * `db` (one HTTP request on the SQL-over-HTTP transport). Throws `PurchaseError` `INVALID_CURSOR`
 * for a cursor this list did not issue, before any query.
 */
export async function listPurchases(
  db: Queryable,
  customerId: string,
  options: PageOptions = {},
): Promise<Page<BuyerPurchase>> {
  const rows = await queryRows<BuyerPurchaseRow>(db, listPurchasesStatement(customerId, options));
  return toPage('purchases', rows, options, toBuyerPurchase);
}
