import { contentPurchases, eq, fulfillmentAnomalies, inArray } from '@codex/database';
import type { StripeStubEvent } from '@codex/local-stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestWorld, type TestWorld } from '../testing/test-world';

// Reconciliation after a webhook outage: every test gets a database and a Stripe of its own, so
// the backlog it builds is exactly the one the run sees.
const worlds: TestWorld[] = [];

afterEach(async () => {
  await Promise.all(worlds.splice(0).map((world) => world.close()));
});

const PRICE = 1_500;

async function newWorld() {
  const world = await createTestWorld();
  worlds.push(world);
  const { db, stub } = world;
  const deliver = (event: StripeStubEvent) => {
    stub.markEventDelivered(event.id);
    return world.fulfillment().handleStripeEvent(JSON.parse(JSON.stringify(event)));
  };

  /** A checkout whose pending purchase is old enough for reconciliation to look at. */
  async function oldCheckout() {
    const { contentId, customerId } = await world.newItem(PRICE);
    const checkout = await world.checkout().createCheckoutSession(customerId, contentId);
    if (checkout.status !== 'checkout_created') throw new Error(`unexpected ${checkout.status}`);
    await db
      .update(contentPurchases)
      .set({ createdAt: new Date(Date.now() - 20 * 60_000) })
      .where(eq(contentPurchases.id, checkout.purchaseId));
    return { ...checkout, customerId, contentId };
  }

  async function statusOf(purchaseId: string) {
    const [row] = await db
      .select({ status: contentPurchases.status })
      .from(contentPurchases)
      .where(eq(contentPurchases.id, purchaseId));
    return row?.status;
  }

  /** Stripe calls `work` makes at the stand-in. */
  async function stripeCallsOf<T>(work: () => Promise<T>) {
    const before = stub.requests.length;
    const result = await work();
    return { result, calls: stub.requests.length - before };
  }

  return {
    db,
    stub,
    fulfillment: () => world.fulfillment(),
    checkout: () => world.checkout(),
    access: () => world.access(),
    deliver,
    oldCheckout,
    statusOf,
    stripeCallsOf,
  };
}

describe('reconcilePendingPurchases after a webhook outage', () => {
  it('completes a purchase whose completion was never delivered', async () => {
    const world = await newWorld();
    const checkout = await world.oldCheckout();
    world.stub.payCheckoutSession(checkout.sessionId, { method: 'card' }); // nothing delivered

    const summary = await world.fulfillment().reconcilePendingPurchases();

    expect(await world.statusOf(checkout.purchaseId)).toBe('completed');
    expect(await world.access().hasAccess(checkout.customerId, checkout.contentId)).toBe(true);
    expect(summary).toMatchObject({ errors: 0, stoppedBy: 'done' });
  });

  it('fails a delayed payment whose failure was never delivered, so the buyer can buy again', async () => {
    const world = await newWorld();
    const checkout = await world.oldCheckout();
    for (const event of world.stub.payCheckoutSession(checkout.sessionId, { method: 'delayed' })) {
      await world.deliver(event); // completed, unpaid: stays pending
    }
    world.stub.settleDelayedPayment(checkout.sessionId, 'failed'); // the failure is lost
    expect(await world.statusOf(checkout.purchaseId)).toBe('pending');

    await world.fulfillment().reconcilePendingPurchases();

    expect(await world.statusOf(checkout.purchaseId)).toBe('failed');
    const again = await world
      .checkout()
      .createCheckoutSession(checkout.customerId, checkout.contentId);
    expect(again.status).toBe('checkout_created');
  });

  it('buying again after a lost async failure starts a new checkout instead of the dead session', async () => {
    const world = await newWorld();
    const checkout = await world.oldCheckout();
    for (const event of world.stub.payCheckoutSession(checkout.sessionId, { method: 'delayed' })) {
      await world.deliver(event);
    }
    world.stub.settleDelayedPayment(checkout.sessionId, 'failed');

    const again = await world
      .checkout()
      .createCheckoutSession(checkout.customerId, checkout.contentId);

    expect(again.status).toBe('checkout_created');
    expect(again).not.toMatchObject({ sessionId: checkout.sessionId });
    expect(await world.statusOf(checkout.purchaseId)).toBe('failed');
  });

  it('applies a refund whose events were never delivered', async () => {
    const world = await newWorld();
    const checkout = await world.oldCheckout();
    for (const event of world.stub.payCheckoutSession(checkout.sessionId, { method: 'card' })) {
      await world.deliver(event);
    }
    const paymentIntentId = world.stub.getSession(checkout.sessionId)?.payment_intent ?? '';
    world.stub.createRefund(paymentIntentId); // refund.created and charge.refunded are lost
    expect(await world.access().hasAccess(checkout.customerId, checkout.contentId)).toBe(true);

    const summary = await world.fulfillment().reconcilePendingPurchases();

    expect(summary.eventsRecovered).toBeGreaterThanOrEqual(1);
    expect(await world.access().hasAccess(checkout.customerId, checkout.contentId)).toBe(false);
  });

  it('stays within its Stripe-call budget and a second run finishes the backlog', async () => {
    const world = await newWorld();
    const lost: Array<{ purchaseId: string }> = [];
    for (let index = 0; index < 6; index++) {
      const checkout = await world.oldCheckout();
      world.stub.payCheckoutSession(checkout.sessionId, { method: 'card' });
      lost.push(checkout);
    }
    const budget = 5;

    const first = await world.stripeCallsOf(() =>
      world
        .fulfillment()
        .reconcilePendingPurchases({ stripeCallBudget: budget, eventsPageSize: 2 }),
    );

    expect(first.calls).toBeLessThanOrEqual(budget);
    expect(first.result).toMatchObject({
      stoppedBy: 'stripe_call_budget',
      stripeCalls: first.calls,
    });
    const statuses = async () =>
      (
        await world.db
          .select({ status: contentPurchases.status })
          .from(contentPurchases)
          .where(
            inArray(
              contentPurchases.id,
              lost.map((checkout) => checkout.purchaseId),
            ),
          )
      ).map((row) => row.status);
    expect((await statuses()).filter((status) => status === 'completed').length).toBeLessThan(6);

    let runs = 1;
    while ((await statuses()).some((status) => status !== 'completed') && runs < 6) {
      const next = await world.stripeCallsOf(() =>
        world
          .fulfillment()
          .reconcilePendingPurchases({ stripeCallBudget: budget, eventsPageSize: 2 }),
      );
      expect(next.calls).toBeLessThanOrEqual(budget);
      runs++;
    }
    expect(await statuses()).toEqual(Array(6).fill('completed'));
    expect(runs).toBeGreaterThan(1);
  });

  it('stops when its time budget is spent, and resumes', async () => {
    const world = await newWorld();
    const checkout = await world.oldCheckout();
    world.stub.payCheckoutSession(checkout.sessionId, { method: 'card' });

    const spent = await world.fulfillment().reconcilePendingPurchases({ timeBudgetMs: 0 });
    expect(spent).toMatchObject({ stoppedBy: 'time_budget', stripeCalls: 0 });
    expect(await world.statusOf(checkout.purchaseId)).toBe('pending');

    await world.fulfillment().reconcilePendingPurchases();
    expect(await world.statusOf(checkout.purchaseId)).toBe('completed');
  });

  it('reconsiders a flagged purchase once its anomaly is resolved', async () => {
    const world = await newWorld();
    const checkout = await world.oldCheckout();
    await world.db.insert(fulfillmentAnomalies).values({
      purchaseId: checkout.purchaseId,
      stripeObjectId: checkout.sessionId,
      kind: 'amount_mismatch',
      details: { expected: PRICE, received: 1 },
    });
    world.stub.payCheckoutSession(checkout.sessionId, { method: 'card' });
    // Only the pending-purchase scan: the events sweep would complete it on its own.
    for (const event of world.stub.events) world.stub.markEventDelivered(event.id);

    await world.fulfillment().reconcilePendingPurchases();
    expect(await world.statusOf(checkout.purchaseId)).toBe('pending');

    await world.db
      .update(fulfillmentAnomalies)
      .set({ resolvedAt: new Date() })
      .where(eq(fulfillmentAnomalies.purchaseId, checkout.purchaseId));
    await world.fulfillment().reconcilePendingPurchases();
    expect(await world.statusOf(checkout.purchaseId)).toBe('completed');
  });

  it('is safe to run twice at once', async () => {
    const world = await newWorld();
    const checkout = await world.oldCheckout();
    world.stub.payCheckoutSession(checkout.sessionId, { method: 'card' });

    const [first, second] = await Promise.all([
      world.fulfillment().reconcilePendingPurchases(),
      world.fulfillment().reconcilePendingPurchases(),
    ]);

    expect(await world.statusOf(checkout.purchaseId)).toBe('completed');
    expect(first.errors + second.errors).toBe(0);
  });
});
