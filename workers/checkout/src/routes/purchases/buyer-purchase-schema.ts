import { buyerPurchaseStatuses } from '@codex/database';
import type { BuyerPurchase } from '@codex/purchases';
import { z } from '@hono/zod-openapi';
import {
  contentIdField,
  contentTitleField,
  currencyField,
  hasAccessField,
  isoInstant,
  minorUnits,
  purchaseIdField,
} from '../../openapi/response-fields';

/**
 * A purchase as its buyer sees it: the answer of `GET /api/purchases/{purchaseId}` and a row of
 * `GET /api/purchases`.
 */
export const buyerPurchaseSchema = z
  .object({
    purchaseId: purchaseIdField,
    contentId: contentIdField,
    contentTitle: contentTitleField,
    amountCents: minorUnits(
      'What the buyer was charged (after a promotion code, with exclusive tax), in minor units of `currency`.',
      1500,
    ),
    currency: currencyField,
    amountRefundedCents: minorUnits(
      'Refunded so far (pending and succeeded refunds), in minor units.',
      0,
    ),
    status: z.enum(buyerPurchaseStatuses).openapi({
      description:
        '`pending`: not paid yet. `completed`: paid, playable. `partially_refunded`: part refunded, still playable. `refunded`: refunded in full, not playable (unless every refund was issued from the platform with `revokeAccess: false`). `disputed`: a chargeback is open or was lost, not playable (a won dispute shows the state underneath). `failed`: the payment failed or the checkout expired.',
    }),
    hasAccess: hasAccessField,
    createdAt: isoInstant('When the checkout started.'),
    purchasedAt: isoInstant('When the payment completed.').nullable(),
    refundedAt: isoInstant(
      'When refunds reached the amount charged (access ends then, unless kept).',
    ).nullable(),
  })
  .openapi('BuyerPurchase');

/** The JSON shape of a purchase (a buyer's, or a sale): instants as ISO 8601 strings. */
export function toPurchaseJson<P extends BuyerPurchase>(purchase: P) {
  return {
    ...purchase,
    createdAt: purchase.createdAt.toISOString(),
    purchasedAt: purchase.purchasedAt?.toISOString() ?? null,
    refundedAt: purchase.refundedAt?.toISOString() ?? null,
  };
}
