import { eq, queryRows, stripeCustomers } from '@codex/database';
import { type CheckoutContext, requireCheckoutStripe } from './checkout-context';
import type { CheckoutBuyer } from './checkout-session-params';
import type { StripeCustomerMapping } from './claim-purchase-slot';

/**
 * Who a new session is for. Without Customer reuse: the buyer's address, if known, as
 * `customer_email`. With it: the buyer's one Stripe Customer when an earlier completion mapped it
 * (read by the claim, no extra round trip), its e-mail updated at Stripe only when the buyer's
 * address differs from the one it holds (one call and one statement then; none on the usual
 * checkout); a buyer without one yet has Checkout create it (`customer_creation: always`), and the
 * completion records it, so a first paid checkout costs no Stripe call beyond the session.
 */
export async function checkoutBuyer(
  ctx: CheckoutContext,
  customerId: string,
  mapped: StripeCustomerMapping | undefined,
  email: string | undefined,
): Promise<CheckoutBuyer> {
  if (!ctx.reuseCustomers) return { email, createCustomer: false };
  if (!mapped) return { email, createCustomer: true };
  if (email && email !== mapped.email) {
    await requireCheckoutStripe(ctx).customers.update(mapped.stripeCustomerId, { email });
    const remember = ctx.db
      .update(stripeCustomers)
      .set({ email })
      .where(eq(stripeCustomers.customerId, customerId));
    await queryRows(ctx.hot, remember.getSQL());
  }
  return { customer: mapped.stripeCustomerId };
}
