import { contentPurchases, eq, stripeDisputes } from '@codex/database';
import { describe, expect, it } from 'vitest';
import { moneyPurchases } from '../testing/money-purchases';
import { TEST_STAFF_OWNER, useTestWorld } from '../testing/test-world';

// Disputes as Stripe runs them: an inquiry (`warning_*`, no money withdrawn) that may close or
// escalate to a chargeback on the same dispute object, and a chargeback that moves on to a result.
const world = useTestWorld();

const PRICE = 1_000;

const { paidPurchase, deliverAll } = moneyPurchases(world, PRICE);

const hasAccess = (purchase: { customerId: string; contentId: string }) =>
  world().access().hasAccess(purchase.customerId, purchase.contentId);

async function storedDispute(id: string) {
  const [row] = await world().db.select().from(stripeDisputes).where(eq(stripeDisputes.id, id));
  return row;
}

describe('an inquiry', () => {
  it('keeps access and allows a platform refund, which then ends access as any full refund does', async () => {
    const purchase = await paidPurchase();
    const inquiry = world().stub.openDispute(purchase.paymentIntentId, { inquiry: true });
    await deliverAll(inquiry.events);
    await deliverAll(world().stub.updateDispute(inquiry.dispute.id, 'warning_under_review'));
    expect(await hasAccess(purchase)).toBe(true);

    const before = world().stub.events.length;
    const answer = await world().refunds().issueRefund({
      organizationId: purchase.organizationId,
      purchaseId: purchase.purchaseId,
      requestedBy: TEST_STAFF_OWNER,
      idempotencyKey: crypto.randomUUID(),
      reason: 'requested_by_customer',
      revokeAccess: true,
    });
    expect(answer).toMatchObject({ amountCents: PRICE, replayed: false });
    await deliverAll(world().stub.events.slice(before));
    expect(await hasAccess(purchase)).toBe(false);
  });
});

describe('a dispute’s status moves only forward, by Stripe’s order', () => {
  it('an inquiry closed, then escalated on the same object, suspends access; older snapshots change nothing', async () => {
    const purchase = await paidPurchase();
    const inquiry = world().stub.openDispute(purchase.paymentIntentId, { inquiry: true });
    const underReview = world().stub.updateDispute(inquiry.dispute.id, 'warning_under_review');
    const closed = world().stub.updateDispute(inquiry.dispute.id, 'warning_closed');
    await deliverAll([...inquiry.events, ...closed]);
    expect(await hasAccess(purchase)).toBe(true);

    await deliverAll(world().stub.updateDispute(inquiry.dispute.id, 'needs_response'));
    expect(await hasAccess(purchase)).toBe(false);

    // Late snapshots of the inquiry, delivered after the escalation.
    await deliverAll([...underReview, ...inquiry.events, ...closed]);
    expect(await hasAccess(purchase)).toBe(false);
    expect(await storedDispute(inquiry.dispute.id)).toMatchObject({
      status: 'open',
      stripeStatus: 'needs_response',
    });
  });

  it('records a move within one rank of access (needs_response → under_review)', async () => {
    const purchase = await paidPurchase();
    const chargeback = world().stub.openDispute(purchase.paymentIntentId);
    await deliverAll(chargeback.events);
    const reviewed = world().stub.updateDispute(chargeback.dispute.id, 'under_review');
    await deliverAll([...reviewed, ...chargeback.events]);

    expect(await storedDispute(chargeback.dispute.id)).toMatchObject({
      status: 'open',
      stripeStatus: 'under_review',
    });
    const [row] = await world()
      .db.select({ disputeStatus: contentPurchases.disputeStatus })
      .from(contentPurchases)
      .where(eq(contentPurchases.id, purchase.purchaseId));
    expect(row?.disputeStatus).toBe('open');
  });
});
