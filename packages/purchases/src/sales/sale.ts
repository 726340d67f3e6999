import { content, contentPurchases, eq, QueryBuilder } from '@codex/database';
import {
  type BuyerPurchase,
  type BuyerPurchaseRow,
  purchaseListColumns,
  toBuyerPurchase,
} from '../buyer/buyer-purchase';

/**
 * One of an organization's sales, as `GET /api/organizations/{orgId}/sales` lists it: the
 * purchase as its buyer sees it ({@link BuyerPurchase}: what was charged, the buyer status, the
 * dates) plus the chargeback's state and the buyer's customer id (the token `sub`, never an
 * e-mail address).
 */
export interface Sale extends BuyerPurchase {
  disputeStatus: 'open' | 'won' | 'lost' | null;
  customerId: string;
}

/**
 * The sales list's statement up to its WHERE clause: the purchase list's columns
 * ({@link purchaseListColumns}) plus the dispute and the buyer, from `content_purchases` joined
 * to `content` (one statement).
 */
export function selectSales() {
  return new QueryBuilder()
    .select({
      ...purchaseListColumns(),
      disputeStatus: contentPurchases.disputeStatus,
      customerId: contentPurchases.customerId,
    })
    .from(contentPurchases)
    .innerJoin(content, eq(content.id, contentPurchases.contentId));
}

/** A row of {@link selectSales}, keyed as Postgres names the columns. */
export interface SaleRow extends BuyerPurchaseRow {
  dispute_status: string | null;
  customer_id: string;
}

function toDisputeStatus(value: unknown): Sale['disputeStatus'] {
  if (value === null || value === undefined) return null;
  if (value === 'open' || value === 'won' || value === 'lost') return value;
  throw new Error(`content_purchases.dispute_status has an unknown value: ${String(value)}`);
}

/** The organization's view of one row of {@link selectSales}. */
export function toSale(row: SaleRow): Sale {
  return {
    ...toBuyerPurchase(row),
    disputeStatus: toDisputeStatus(row.dispute_status),
    customerId: String(row.customer_id),
  };
}
