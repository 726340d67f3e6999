import { and, contentPurchases, eq, type Queryable, queryRows, type SQL } from '@codex/database';
import { uuidSchema } from '@codex/validation';
import {
  type BuyerPurchase,
  type BuyerPurchaseRow,
  selectBuyerPurchases,
  toBuyerPurchase,
} from './buyer-purchase';

/** The statement of {@link getPurchase}: one probe of the primary key, kept only if it is the customer's. */
export function getPurchaseStatement(customerId: string, purchaseId: string): SQL {
  return selectBuyerPurchases()
    .where(and(eq(contentPurchases.id, purchaseId), eq(contentPurchases.customerId, customerId)))
    .getSQL();
}

/**
 * One of the customer's purchases, as {@link listPurchases} shows it, or undefined when there is no
 * such purchase *of this customer*: another buyer's id and an unknown one answer the same, so a
 * response never tells whether an id exists. An id that is not a UUID is unknown without a query;
 * otherwise one statement, one round trip.
 */
export async function getPurchase(
  db: Queryable,
  customerId: string,
  purchaseId: string,
): Promise<BuyerPurchase | undefined> {
  const id = uuidSchema.safeParse(purchaseId);
  if (!id.success) return undefined;
  const [row] = await queryRows<BuyerPurchaseRow>(db, getPurchaseStatement(customerId, id.data));
  return row ? toBuyerPurchase(row) : undefined;
}
