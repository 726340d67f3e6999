import { contentPurchases, eq, type Queryable, queryRows, type SQL } from '@codex/database';
import { accessGrantingPurchases } from './access-granting-purchases';

/** The statement of {@link hasAccess}: the customer's purchase of the content that grants access, if any. */
export function hasAccessStatement(customerId: string, contentId: string): SQL {
  return accessGrantingPurchases(customerId, eq(contentPurchases.contentId, contentId))
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
