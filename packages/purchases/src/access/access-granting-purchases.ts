import {
  and,
  contentPurchases,
  eq,
  grantsAccessSql,
  QueryBuilder,
  type SQL,
} from '@codex/database';

/**
 * The customer's purchases that grant access (`grantsAccessSql`, the one access rule) among the
 * content `which` selects, as a query to finish (`.limit`, `.getSQL()`). Both access checks are
 * this statement: one probe per content id of the slot index
 * `content_purchases_one_active_per_customer_content`, whose predicate the access rule implies
 * (that index also makes each content id appear at most once).
 */
export function accessGrantingPurchases(customerId: string, which: SQL | undefined) {
  return new QueryBuilder()
    .select({ contentId: contentPurchases.contentId })
    .from(contentPurchases)
    .where(
      and(eq(contentPurchases.customerId, customerId), which, grantsAccessSql(contentPurchases)),
    );
}
