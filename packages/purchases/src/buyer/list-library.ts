import {
  and,
  content,
  contentPurchases,
  eq,
  grantsAccessSql,
  type Queryable,
  QueryBuilder,
  queryRows,
  type SQL,
  toDate,
} from '@codex/database';
import { keyInstant, keysetPage, type Page, toPage } from './page-cursor';
import type { PageOptions } from './page-options';

/** A piece of content the buyer may play now, and the purchase that grants it. */
export interface LibraryItem {
  contentId: string;
  contentTitle: string;
  purchaseId: string;
  purchasedAt: Date;
}

interface LibraryRow extends Record<string, unknown> {
  id: string;
  content_id: string;
  title: string;
  purchased_at: unknown;
  cursor_at: string;
}

/**
 * The statement of {@link listLibrary}: the customer's purchases that grant access
 * (`grantsAccessSql`, the access check's own rule) in `(purchased_at DESC, id DESC)` order
 * after the cursor, `limit + 1` rows, with their content's title. Read from
 * `content_purchases_library_idx`, whose predicate is the access rule, as one range with no filter.
 */
export function listLibraryStatement(customerId: string, options: PageOptions = {}): SQL {
  const page = keysetPage('library', options, {
    at: contentPurchases.purchasedAt,
    id: contentPurchases.id,
  });
  return new QueryBuilder()
    .select({
      id: contentPurchases.id,
      contentId: contentPurchases.contentId,
      title: content.title,
      purchasedAt: contentPurchases.purchasedAt,
      cursorAt: keyInstant(contentPurchases.purchasedAt).as('cursor_at'),
    })
    .from(contentPurchases)
    .innerJoin(content, eq(content.id, contentPurchases.contentId))
    .where(
      and(
        eq(contentPurchases.customerId, customerId),
        grantsAccessSql(contentPurchases),
        page.after,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(page.fetchLimit)
    .getSQL();
}

/**
 * One page of what the customer may play now: exactly the content for which the access check says
 * yes, newest purchase first (a completed purchase's `purchased_at` never changes). One statement,
 * one round trip. Throws `PurchaseError` `INVALID_CURSOR` for a cursor this list did not issue.
 */
export async function listLibrary(
  db: Queryable,
  customerId: string,
  options: PageOptions = {},
): Promise<Page<LibraryItem>> {
  const rows = await queryRows<LibraryRow>(db, listLibraryStatement(customerId, options));
  return toPage('library', rows, options, (row) => ({
    contentId: String(row.content_id),
    contentTitle: String(row.title),
    purchaseId: String(row.id),
    purchasedAt: toDate(row.purchased_at),
  }));
}
