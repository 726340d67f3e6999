import { type ContentPurchase, contentPurchases } from '@codex/database';

/**
 * The one column set fulfillment reads of a purchase (Drizzle's select shape): its ids, the terms
 * it was sold under, its links to Stripe, and the money state the purchase rules read. Checkout
 * completion, failure and the money events all select exactly these, so every step sees the same
 * {@link PurchaseRow}.
 */
export const purchaseRowColumns = {
  id: contentPurchases.id,
  customerId: contentPurchases.customerId,
  contentId: contentPurchases.contentId,
  status: contentPurchases.status,
  pricePaidCents: contentPurchases.pricePaidCents,
  currency: contentPurchases.currency,
  allowPromotionCodes: contentPurchases.allowPromotionCodes,
  promotionCodeId: contentPurchases.promotionCodeId,
  allowFullyDiscounted: contentPurchases.allowFullyDiscounted,
  taxBehavior: contentPurchases.taxBehavior,
  amountTotalCents: contentPurchases.amountTotalCents,
  stripeCheckoutSessionId: contentPurchases.stripeCheckoutSessionId,
  stripePaymentIntentId: contentPurchases.stripePaymentIntentId,
  refundedAt: contentPurchases.refundedAt,
  refundKeepsAccess: contentPurchases.refundKeepsAccess,
  disputeStatus: contentPurchases.disputeStatus,
};

/** A purchase as fulfillment reads it ({@link purchaseRowColumns}). */
export type PurchaseRow = Pick<ContentPurchase, keyof typeof purchaseRowColumns>;
