import {
  content,
  contentPurchases,
  eq,
  QueryBuilder,
  toDate,
  toNullableDate,
} from '@codex/database';
import { amountCharged } from '../amount-charged';
import {
  type BuyerPurchaseStatus,
  buyerStatus,
  toBuyerPurchaseStatus,
} from '../buyer/buyer-status';
import { keyInstant } from '../buyer/page-cursor';

/** One of an organization's sales, as `GET /api/organizations/{orgId}/sales` lists it. */
export interface Sale {
  purchaseId: string;
  contentId: string;
  contentTitle: string;
  /** What the buyer was charged ({@link saleAmount}), in the currency's minor unit. */
  amountCents: number;
  /** Lower-case ISO 4217. */
  currency: string;
  /** Refunded so far (pending and succeeded refunds), in the minor unit. */
  amountRefundedCents: number;
  /** The chargeback's state, or null when there is none. */
  disputeStatus: 'open' | 'won' | 'lost' | null;
  /** The buyer status (`buyerStatus()`), the `status` filter's vocabulary. */
  status: BuyerPurchaseStatus;
  /** The buyer's customer id (the token `sub`). Never an e-mail address. */
  customerId: string;
  /** When the checkout started (the list's order and the date filters' instant). */
  createdAt: Date;
  purchasedAt: Date | null;
  refundedAt: Date | null;
}

/** What the buyer was charged ({@link amountCharged}): refunds and disputes are against it. */
export const saleAmount = amountCharged;

/**
 * The sales list's statement up to its WHERE clause: a purchase, its content's title, its buyer
 * status and amount, from `content_purchases` joined to `content` (one statement). Columns are
 * aliased so that {@link toSale} reads them by name.
 */
export function selectSales() {
  return new QueryBuilder()
    .select({
      id: contentPurchases.id,
      contentId: contentPurchases.contentId,
      title: content.title,
      amountCents: saleAmount().as('amount_cents'),
      currency: contentPurchases.currency,
      amountRefundedCents: contentPurchases.amountRefundedCents,
      disputeStatus: contentPurchases.disputeStatus,
      buyerStatus: buyerStatus().as('buyer_status'),
      customerId: contentPurchases.customerId,
      createdAt: contentPurchases.createdAt,
      purchasedAt: contentPurchases.purchasedAt,
      refundedAt: contentPurchases.refundedAt,
      cursorAt: keyInstant(contentPurchases.createdAt).as('cursor_at'),
    })
    .from(contentPurchases)
    .innerJoin(content, eq(content.id, contentPurchases.contentId));
}

/** A row of {@link selectSales}, keyed as Postgres names the columns. */
export interface SaleRow extends Record<string, unknown> {
  id: string;
  content_id: string;
  title: string;
  amount_cents: number | string;
  currency: string;
  amount_refunded_cents: number | string;
  dispute_status: string | null;
  buyer_status: string;
  customer_id: string;
  created_at: unknown;
  purchased_at: unknown;
  refunded_at: unknown;
  cursor_at: string;
}

function toDisputeStatus(value: unknown): Sale['disputeStatus'] {
  if (value === null || value === undefined) return null;
  if (value === 'open' || value === 'won' || value === 'lost') return value;
  throw new Error(`content_purchases.dispute_status has an unknown value: ${String(value)}`);
}

/** The organization's view of one row of {@link selectSales}. */
export function toSale(row: SaleRow): Sale {
  return {
    purchaseId: String(row.id),
    contentId: String(row.content_id),
    contentTitle: String(row.title),
    amountCents: Number(row.amount_cents),
    currency: String(row.currency),
    amountRefundedCents: Number(row.amount_refunded_cents),
    disputeStatus: toDisputeStatus(row.dispute_status),
    status: toBuyerPurchaseStatus(row.buyer_status),
    customerId: String(row.customer_id),
    createdAt: toDate(row.created_at),
    purchasedAt: toNullableDate(row.purchased_at),
    refundedAt: toNullableDate(row.refunded_at),
  };
}
