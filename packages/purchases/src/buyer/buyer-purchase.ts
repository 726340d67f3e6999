import {
  amountChargedSql,
  type BuyerPurchaseStatus,
  buyerStatusSql,
  content,
  contentPurchases,
  eq,
  grantsAccessSql,
  QueryBuilder,
  sql,
  toBuyerPurchaseStatus,
  toDate,
  toNullableDate,
} from '@codex/database';
import { keyInstant } from './page-cursor';

/** One of the buyer's purchases, as `GET /api/purchases` lists it. */
export interface BuyerPurchase {
  purchaseId: string;
  contentId: string;
  contentTitle: string;
  /** What the buyer paid, in the currency's minor unit. */
  amountCents: number;
  /** Lower-case ISO 4217. */
  currency: string;
  /** Refunded so far (pending and succeeded refunds), in the minor unit. */
  amountRefundedCents: number;
  status: BuyerPurchaseStatus;
  /**
   * Whether the purchase lets its buyer play the item now: the access check's own rule
   * (`grantsAccessSql`). Follows `status` except for a purchase refunded in full by refunds
   * issued to keep access (`refunded`, and playable).
   */
  hasAccess: boolean;
  /** When the checkout started (the history's order). */
  createdAt: Date;
  /** When the payment completed; null unless it did. */
  purchasedAt: Date | null;
  /** When refunds reached the refund policy; null otherwise. */
  refundedAt: Date | null;
}

/**
 * The columns every purchase list reads (the buyer's history, an organization's sales): the
 * purchase, its content's title, what was charged (`amountChargedSql`), its buyer status and the
 * keyset instant. Aliased so that {@link toBuyerPurchase} reads them by name. Built per call: an
 * aliased SQL expression belongs to one statement.
 */
export function purchaseListColumns() {
  return {
    id: contentPurchases.id,
    contentId: contentPurchases.contentId,
    title: content.title,
    amountCents: amountChargedSql(contentPurchases).as('amount_cents'),
    currency: contentPurchases.currency,
    amountRefundedCents: contentPurchases.amountRefundedCents,
    buyerStatus: buyerStatusSql(contentPurchases).as('buyer_status'),
    hasAccess: sql<boolean>`${grantsAccessSql(contentPurchases)}`.as('has_access'),
    createdAt: contentPurchases.createdAt,
    purchasedAt: contentPurchases.purchasedAt,
    refundedAt: contentPurchases.refundedAt,
    cursorAt: keyInstant(contentPurchases.createdAt).as('cursor_at'),
  };
}

/**
 * The history's statement up to its WHERE clause: {@link purchaseListColumns} from
 * `content_purchases` joined to `content` (one statement, no second read for titles).
 */
export function selectBuyerPurchases() {
  return new QueryBuilder()
    .select(purchaseListColumns())
    .from(contentPurchases)
    .innerJoin(content, eq(content.id, contentPurchases.contentId));
}

/** A row of {@link selectBuyerPurchases}, keyed as Postgres names the columns. */
export interface BuyerPurchaseRow extends Record<string, unknown> {
  id: string;
  content_id: string;
  title: string;
  amount_cents: number | string;
  currency: string;
  amount_refunded_cents: number | string;
  buyer_status: string;
  has_access: unknown;
  created_at: unknown;
  purchased_at: unknown;
  refunded_at: unknown;
  cursor_at: string;
}

/** The buyer's view of one row of {@link selectBuyerPurchases}. */
export function toBuyerPurchase(row: BuyerPurchaseRow): BuyerPurchase {
  return {
    purchaseId: String(row.id),
    contentId: String(row.content_id),
    contentTitle: String(row.title),
    amountCents: Number(row.amount_cents),
    currency: String(row.currency),
    amountRefundedCents: Number(row.amount_refunded_cents),
    status: toBuyerPurchaseStatus(row.buyer_status),
    hasAccess: row.has_access === true || row.has_access === 't',
    createdAt: toDate(row.created_at),
    purchasedAt: toNullableDate(row.purchased_at),
    refundedAt: toNullableDate(row.refunded_at),
  };
}
