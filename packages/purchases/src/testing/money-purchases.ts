import { contentPurchases, eq, fulfillmentAnomalies } from '@codex/database';
import type { StripeStubEvent } from '@codex/local-stripe';
import type { TestWorld } from './test-world';

/**
 * The money tests' steps on a {@link TestWorld}: a purchase paid by card and completed, events
 * delivered as the webhook delivers them, a purchase row and its anomalies read back.
 */
export function moneyPurchases(world: () => TestWorld, priceCents: number) {
  function deliver(event: StripeStubEvent) {
    return world()
      .fulfillment()
      .handleStripeEvent(JSON.parse(JSON.stringify(event)));
  }

  /** Every event, one after the other, as the webhook delivers them. */
  async function deliverAll(events: readonly StripeStubEvent[]) {
    for (const event of events) await deliver(event);
  }

  /** A purchase paid by card at Stripe and completed here; returns its ids and payment intent. */
  async function paidPurchase(item?: {
    contentId: string;
    customerId: string;
    organizationId: string;
  }) {
    const { contentId, customerId, organizationId } = item ?? (await world().newItem(priceCents));
    const checkout = await world().checkout().createCheckoutSession(customerId, contentId);
    if (checkout.status !== 'checkout_created') throw new Error(`unexpected ${checkout.status}`);
    await deliverAll(world().stub.payCheckoutSession(checkout.sessionId, { method: 'card' }));
    const paymentIntentId = world().stub.getSession(checkout.sessionId)?.payment_intent;
    if (!paymentIntentId) throw new Error('no payment intent');
    return {
      purchaseId: checkout.purchaseId,
      sessionId: checkout.sessionId,
      contentId,
      customerId,
      organizationId,
      paymentIntentId,
    };
  }

  async function purchaseRow(purchaseId: string) {
    const [row] = await world()
      .db.select()
      .from(contentPurchases)
      .where(eq(contentPurchases.id, purchaseId));
    if (!row) throw new Error(`no purchase ${purchaseId}`);
    return row;
  }

  async function anomaliesOf(purchaseId: string) {
    return world()
      .db.select()
      .from(fulfillmentAnomalies)
      .where(eq(fulfillmentAnomalies.purchaseId, purchaseId));
  }

  return { deliver, deliverAll, paidPurchase, purchaseRow, anomaliesOf };
}
