import { type CheckoutContext, providerError, requireCheckoutStripe } from './checkout-context';

/** A promotion code as checkout may attach it: its id and the organization it belongs to. */
export interface OrganizationPromotionCode {
  /** `promo_…` */
  id: string;
  /** The `metadata.organizationId` of the code: the only organization whose items it discounts. */
  organizationId: string;
}

/**
 * The active promotion code a buyer typed (Stripe matches codes case-insensitively), with the
 * organization it belongs to; undefined for an unknown or inactive code, or one that names no
 * organization (a code belongs to the organization in its `metadata.organizationId`, set when it
 * is created; a code without one discounts nothing here). One Stripe call. Throws
 * `PAYMENT_PROVIDER_ERROR` when Stripe cannot answer.
 */
export async function findPromotionCode(
  ctx: CheckoutContext,
  code: string,
): Promise<OrganizationPromotionCode | undefined> {
  let found: { id: string; metadata?: Record<string, string> | null } | undefined;
  try {
    const listed = await requireCheckoutStripe(ctx).promotionCodes.list({
      code,
      active: true,
      limit: 1,
    });
    found = listed.data[0];
  } catch (error) {
    throw providerError(ctx, error, 'find promotion code', 'none yet');
  }
  const organizationId = found?.metadata?.organizationId;
  return found && organizationId ? { id: found.id, organizationId } : undefined;
}
