import { eq, queryRows, stripeCustomers } from '@codex/database';
import { type CheckoutContext, requireCheckoutStripe } from './checkout-context';
import type { CheckoutBuyer } from './checkout-session-params';
import type { StripeCustomerMapping } from './claim-purchase-slot';

/**
 * Who a new session is for: with Customer reuse, the buyer's one Stripe Customer
 * ({@link reuseStripeCustomer}); else the buyer's address as `customer_email`, if known.
 */
export async function checkoutBuyer(
  ctx: CheckoutContext,
  customerId: string,
  mapped: StripeCustomerMapping | undefined,
  email: string | undefined,
): Promise<CheckoutBuyer> {
  if (ctx.reuseCustomers) {
    return { customer: await reuseStripeCustomer(ctx, customerId, mapped, email) };
  }
  return email ? { customer_email: email } : {};
}

/**
 * The buyer's one Stripe Customer. Mapped already (read by the claim): reused, its e-mail updated
 * at Stripe only when the buyer's address differs from the one we last gave it (one call and one
 * statement then; none on the usual checkout). Not mapped: created with an idempotency key per
 * buyer, so concurrent first checkouts get one customer from Stripe (within its 24 h key window),
 * and the mapping inserted; the first insert wins and every checkout uses its customer.
 */
export async function reuseStripeCustomer(
  ctx: CheckoutContext,
  customerId: string,
  mapped: StripeCustomerMapping | undefined,
  email: string | undefined,
): Promise<string> {
  const stripe = requireCheckoutStripe(ctx);
  if (mapped) {
    if (email && email !== mapped.email) {
      await stripe.customers.update(mapped.stripeCustomerId, { email });
      const remember = ctx.db
        .update(stripeCustomers)
        .set({ email })
        .where(eq(stripeCustomers.customerId, customerId));
      await queryRows(ctx.hot, remember.getSQL());
    }
    return mapped.stripeCustomerId;
  }
  const created = await stripe.customers.create(
    { ...(email ? { email } : {}), metadata: { customerId } },
    { idempotencyKey: `customer:${customerId}` },
  );
  // No conflict target: a racing checkout's row conflicts on the buyer (or, carrying the same
  // customer, on the Stripe id, whichever index is checked first); either way that row wins.
  const insert = ctx.db
    .insert(stripeCustomers)
    .values({ customerId, stripeCustomerId: created.id, email: email ?? null })
    .onConflictDoNothing()
    .returning({ stripeCustomerId: stripeCustomers.stripeCustomerId });
  const [inserted] = await queryRows<{ stripe_customer_id: string }>(ctx.hot, insert.getSQL());
  if (inserted) return inserted.stripe_customer_id;
  // Lost the race: a separate statement, so it sees the winner's committed row.
  const winner = ctx.db
    .select({ stripeCustomerId: stripeCustomers.stripeCustomerId })
    .from(stripeCustomers)
    .where(eq(stripeCustomers.customerId, customerId));
  const [row] = await queryRows<{ stripe_customer_id: string }>(ctx.hot, winner.getSQL());
  if (!row) throw new Error('stripe customer mapping conflicts with another buyer');
  if (row.stripe_customer_id !== created.id) {
    ctx.logger.warn('stripe customer created twice for one buyer; the other one is unused', {
      stripeCustomerId: created.id,
      usedStripeCustomerId: row.stripe_customer_id,
    });
  }
  return row.stripe_customer_id;
}
