import {
  type ContentPurchase,
  contentPurchases,
  holdsPurchaseSlotSql,
  isAccessRevokingRefundSql,
  purchaseRuleColumnsOf,
  type SQL,
  sql,
} from '@codex/database';
import { type CheckoutSessionSnapshot, idOf } from './stripe-events';

const PAID_STATUSES = new Set(['paid', 'no_payment_required']);

/** True when the session's payment went through (card, or a delayed method that settled). */
export function isPaid(session: Pick<CheckoutSessionSnapshot, 'payment_status'>): boolean {
  return PAID_STATUSES.has(session.payment_status);
}

/** A session's money, as the amount check reads it. */
export interface SessionAmounts {
  /** The line items before discounts and tax (with inclusive tax: the prices, tax included). */
  subtotal: number;
  discount: number;
  /** Exclusive tax is added to the total; inclusive tax is the part of it already in the prices. */
  tax: number;
  total: number;
  paymentStatus: CheckoutSessionSnapshot['payment_status'];
  /** The promotion code (`promo_…`) of the session's discount, if a code made it. */
  promotionCodeId: string | null;
}

/** What the purchase recorded at checkout that the amount check needs. */
export type PurchaseTerms = Pick<
  ContentPurchase,
  'pricePaidCents' | 'promotionCodeId' | 'allowFullyDiscounted' | 'taxBehavior'
>;

/**
 * The amount check's problem when a discount did not come from the purchase's own promotion code
 * (the one checkout verified as the item's organization's): the purchase is then not granted and
 * the payment refunded (`foreign-discount.ts`), never left waiting.
 */
export const FOREIGN_DISCOUNT = 'discount not made by the purchase’s own promotion code';

/**
 * The session's amounts, or undefined when it carries no total. A payload without
 * `amount_subtotal` or `total_details` (older snapshots) reads as no discount and no tax, so the
 * check is then exactly the former "total equals the price".
 */
export function sessionAmounts(session: CheckoutSessionSnapshot): SessionAmounts | undefined {
  const total = session.amount_total;
  if (total === null || total === undefined) return undefined;
  return {
    subtotal: session.amount_subtotal ?? total,
    discount: session.total_details?.amount_discount ?? 0,
    tax: session.total_details?.amount_tax ?? 0,
    total,
    paymentStatus: session.payment_status,
    promotionCodeId:
      session.discounts?.map((discount) => idOf(discount.promotion_code)).find(Boolean) ?? null,
  };
}

/**
 * THE amount check before access is granted, in TypeScript (the careful path's diagnosis);
 * {@link matchesSessionAmounts} is the same rule in SQL for the one-statement completions, and
 * `checkout-options.test.ts` drives both through every combination. Undefined when the session pays
 * for the purchase exactly; otherwise the reason, for the anomaly a person reviews:
 * - the subtotal is the price the purchase recorded;
 * - a discount only from the promotion code the purchase recorded (checkout verified it as the
 *   item's organization's), never above the subtotal;
 * - tax only if it was created with automatic tax;
 * - total = subtotal − discount + tax when tax is exclusive (inclusive tax is inside the subtotal
 *   and is at most the total);
 * - `paid` with a positive total, or `no_payment_required` only for a total of 0 from a 100 %
 *   discount on a purchase created with `allowFullyDiscounted`.
 */
export function amountProblem(
  purchase: PurchaseTerms,
  amounts: SessionAmounts,
): string | undefined {
  const { subtotal, discount, tax, total, paymentStatus } = amounts;
  if (subtotal !== purchase.pricePaidCents) return 'subtotal differs from the price';
  if (discount > 0 && !isOwnPromotionCode(purchase, amounts)) return FOREIGN_DISCOUNT;
  if (discount > subtotal) return 'discount exceeds the subtotal';
  if (tax > 0 && purchase.taxBehavior === null) {
    return 'tax on a purchase created without automatic tax';
  }
  const addedTax = purchase.taxBehavior === 'exclusive' ? tax : 0;
  if (total !== subtotal - discount + addedTax) return 'total does not add up';
  if (purchase.taxBehavior === 'inclusive' && tax > total) return 'inclusive tax exceeds the total';
  if (paymentStatus === 'no_payment_required') {
    if (total !== 0 || discount !== subtotal) return 'no payment required for a non-zero total';
    if (!purchase.allowFullyDiscounted) return 'fully discounted, not allowed for this purchase';
    return undefined;
  }
  if (paymentStatus !== 'paid' || total === 0) return 'not paid';
  return undefined;
}

/**
 * {@link amountProblem} as a SQL predicate on `content_purchases` (true when there is no problem),
 * for the completions that must stay one statement. Keep the two in step.
 */
export function matchesSessionAmounts(amounts: SessionAmounts): SQL {
  const { subtotal, discount, tax, total, paymentStatus } = amounts;
  const table = contentPurchases;
  return sql`(${table.pricePaidCents} = ${subtotal}
    AND (${discount}::int = 0 OR ${table.promotionCodeId} = ${amounts.promotionCodeId}::text)
    AND ${discount}::int <= ${subtotal}::int
    AND (${tax}::int = 0 OR ${table.taxBehavior} IS NOT NULL)
    AND ${total}::int = ${subtotal}::int - ${discount}::int
      + CASE WHEN ${table.taxBehavior} = 'exclusive' THEN ${tax}::int ELSE 0 END
    AND (${table.taxBehavior} IS DISTINCT FROM 'inclusive' OR ${tax}::int <= ${total}::int)
    AND CASE ${paymentStatus}::text
      WHEN 'paid' THEN ${total}::int > 0
      WHEN 'no_payment_required' THEN ${total}::int = 0 AND ${discount}::int = ${subtotal}::int
        AND ${table.allowFullyDiscounted}
      ELSE false END)`;
}

/** The columns a completion sets from the session: what the buyer was actually charged. */
export function chargedAmounts(amounts: SessionAmounts) {
  return {
    amountDiscountCents: amounts.discount,
    amountTaxCents: amounts.tax,
    amountTotalCents: amounts.total,
  };
}

/**
 * `refunded_at` of a pending purchase derived again now that `chargedCents`, what Stripe charged, is
 * known, as SQL for an UPDATE of `content_purchases`: refunds that arrived earlier were measured
 * against the price, and against what was charged they may reach the refund policy
 * (`isAccessRevokingRefundSql`) or fall short of it (exclusive tax: a refund of the price is
 * partial). Set when they reach it (keeping the first time), cleared when they do not; except while
 * another purchase of the buyer holds the item's slot (bought again meanwhile): clearing would take
 * the slot back from it, which its unique index refuses, so this one stays revoked.
 */
export function refundedAtAgainstCharged(chargedCents: number, now: Date | string): SQL {
  const { refundedAt, amountRefundedCents } = contentPurchases;
  // Qualified by the table's name: inside the subquery an unqualified column would be `other`'s.
  const outer = (name: string) => sql`content_purchases.${sql.identifier(name)}`;
  const at = typeof now === 'string' ? now : now.toISOString();
  return sql`CASE WHEN ${isAccessRevokingRefundSql(amountRefundedCents, chargedCents)}
      THEN coalesce(${refundedAt}, ${at}::timestamptz)
    WHEN ${refundedAt} IS NOT NULL AND EXISTS (SELECT 1 FROM content_purchases other
      WHERE other.customer_id = ${outer('customer_id')} AND other.content_id = ${outer('content_id')}
        AND other.id <> ${outer('id')} AND ${holdsPurchaseSlotSql(purchaseRuleColumnsOf('other'))})
      THEN ${refundedAt}
    ELSE NULL END`;
}

/** What a completion sets besides its status: the charged amounts, and refunds measured against them. */
export function completionAmounts(amounts: SessionAmounts, now: Date) {
  return { ...chargedAmounts(amounts), refundedAt: refundedAtAgainstCharged(amounts.total, now) };
}

/** True when the session's discount came from the promotion code the purchase recorded. */
function isOwnPromotionCode(
  purchase: Pick<PurchaseTerms, 'promotionCodeId'>,
  amounts: Pick<SessionAmounts, 'promotionCodeId'>,
): boolean {
  return purchase.promotionCodeId !== null && purchase.promotionCodeId === amounts.promotionCodeId;
}
