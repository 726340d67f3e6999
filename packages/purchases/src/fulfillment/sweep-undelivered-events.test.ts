import { reconciliationCursors } from '@codex/database';
import { type StripeStub, startStripeStub } from '@codex/local-stripe';
import { ObservabilityClient } from '@codex/observability';
import {
  createTestContent,
  createTestDatabase,
  createTestOrganization,
  createTestUser,
  type TestDatabase,
} from '@codex/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { AccessService } from '../access-service';
import { CheckoutService } from '../checkout-service';
import { FulfillmentService } from '../fulfillment-service';
import { testStripeClient } from '../testing/test-stripe-client';

// The sweep's saved position against Stripe's 30 days of events: a stand-in and a database of its
// own, with one clock both read, so the saved cursor can age out.
const DAY_MS = 86_400_000;
const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function agingWorld() {
  let nowMs = Date.now();
  const [testDb, stub]: [TestDatabase, StripeStub] = await Promise.all([
    createTestDatabase(),
    startStripeStub({ now: () => nowMs }),
  ]);
  closers.push(
    () => testDb.close(),
    () => stub.close(),
  );
  const lines: Array<{ level: string; message: string; context: Record<string, unknown> }> = [];
  const logger = new ObservabilityClient('sweep-test', 'test', {
    write: (line) => lines.push(JSON.parse(line)),
  });
  const stripe = () => testStripeClient(stub.url);
  const services = { db: testDb.db, stripe: stripe(), logger };
  return {
    testDb,
    stub,
    lines,
    advance: (ms: number) => {
      nowMs += ms;
    },
    fulfillment: () => new FulfillmentService({ ...services, clock: () => new Date(nowMs) }),
    checkout: () =>
      new CheckoutService({
        ...services,
        http: testDb.http,
        config: { webAppUrl: 'https://a.test' },
      }),
    access: () => new AccessService({ db: testDb.db, http: testDb.http }),
    nowSeconds: () => Math.floor(nowMs / 1000),
  };
}

describe('the undelivered-events sweep', () => {
  it('resets a saved cursor that Stripe no longer knows (older than 30 days), logging the old one', async () => {
    const world = await agingWorld();
    const organization = await createTestOrganization(world.testDb.db);
    const item = await createTestContent(world.testDb.db, {
      organizationId: organization.id,
      priceCents: 1_500,
    });
    const customerId = createTestUser();
    const checkout = await world.checkout().createCheckoutSession(customerId, item.id);
    if (checkout.status !== 'checkout_created') throw new Error(`unexpected ${checkout.status}`);
    const paid = world.stub.payCheckoutSession(checkout.sessionId, { method: 'card' });
    for (const event of paid) {
      world.stub.markEventDelivered(event.id);
      await world.fulfillment().handleStripeEvent(JSON.parse(JSON.stringify(event)));
    }
    // A sweep stopped after this event, and no run finished it within Stripe's 30 days.
    const agedCursor = paid[0]?.id ?? '';
    await world.testDb.db.insert(reconciliationCursors).values({
      name: 'stripe_undelivered_events',
      state: {
        since: world.nowSeconds() - 3_600,
        startedAt: world.nowSeconds(),
        startingAfter: agedCursor,
      },
    });
    world.advance(31 * DAY_MS);
    const paymentIntentId = world.stub.getSession(checkout.sessionId)?.payment_intent ?? '';
    world.stub.createRefund(paymentIntentId); // its events are never delivered

    const first = await world.fulfillment().reconcilePendingPurchases();

    expect(first).toMatchObject({ errors: 0, stoppedBy: 'done' });
    expect(first.eventsRecovered).toBeGreaterThanOrEqual(1);
    expect(await world.access().hasAccess(customerId, item.id)).toBe(false);
    expect(world.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        context: expect.objectContaining({ startingAfter: agedCursor }),
      }),
    );
    // The next run starts from a cursor Stripe knows, or none.
    expect(await world.fulfillment().reconcilePendingPurchases()).toMatchObject({ errors: 0 });
  });
});
