import {
  and,
  contentPurchases,
  eq,
  grantsAccessSql,
  type Queryable,
  QueryBuilder,
  queryRows,
  type SQL,
} from '@codex/database';

/**
 * The statement of {@link hasAccess}: the customer's purchase of the content that grants access
 * (`grantsAccessSql`, the one access rule), if any. One probe of the slot index
 * `content_purchases_one_active_per_customer_content`, whose predicate the access rule implies.
 */
export function hasAccessStatement(customerId: string, contentId: string): SQL {
  return new QueryBuilder()
    .select({ id: contentPurchases.id })
    .from(contentPurchases)
    .where(
      and(
        eq(contentPurchases.customerId, customerId),
        eq(contentPurchases.contentId, contentId),
        grantsAccessSql(contentPurchases),
      ),
    )
    .limit(1)
    .getSQL();
}

/**
 * True only if the customer has a completed purchase of the content whose refunds have not ended
 * access and that has no open or lost dispute. One indexed query, one round trip.
 */
export async function hasAccess(
  db: Queryable,
  customerId: string,
  contentId: string,
): Promise<boolean> {
  const rows = await queryRows(db, hasAccessStatement(customerId, contentId));
  return rows.length > 0;
}
