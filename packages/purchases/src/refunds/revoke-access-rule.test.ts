import { describe, expect, it } from 'vitest';
import { moneyPurchases } from '../testing/money-purchases';
import { TEST_STAFF_OWNER, useTestWorld } from '../testing/test-world';
import type { RefundRequestInput } from './issue-refund';

// One rule for `revokeAccess` (decision 021): once the refunds that count reach the refund policy,
// the most recently requested platform refund among them decides; Dashboard refunds alone end
// access. Each case is delivered in order and in reverse: the outcome is the answer's.
const world = useTestWorld();

const PRICE = 1_000;

const { paidPurchase, deliverAll } = moneyPurchases(world, PRICE);

type Purchase = Awaited<ReturnType<typeof paidPurchase>>;

function platformRefund(purchase: Purchase, fields: Partial<RefundRequestInput>) {
  return world()
    .refunds()
    .issueRefund({
      organizationId: purchase.organizationId,
      purchaseId: purchase.purchaseId,
      requestedBy: TEST_STAFF_OWNER,
      idempotencyKey: crypto.randomUUID(),
      reason: 'requested_by_customer',
      revokeAccess: true,
      ...fields,
    });
}

/** Plays `refunds` at Stripe, then delivers their events in order or reversed; returns access. */
async function accessAfter(
  reversed: boolean,
  refunds: (purchase: Purchase) => Promise<void>,
): Promise<boolean> {
  const purchase = await paidPurchase();
  const before = world().stub.events.length;
  await refunds(purchase);
  const events = world().stub.events.slice(before);
  await deliverAll(reversed ? [...events].reverse() : events);
  return world().access().hasAccess(purchase.customerId, purchase.contentId);
}

describe('revokeAccess: the most recent platform refund decides, once refunds reach the policy', () => {
  it.each([false, true])(
    'after a partial Dashboard refund, the rest refunded with revokeAccess: false keeps access (reversed: %s)',
    async (reversed) => {
      const access = await accessAfter(reversed, async (purchase) => {
        world().stub.createRefund(purchase.paymentIntentId, { amount: 400 });
        await platformRefund(purchase, { revokeAccess: false });
      });
      expect(access).toBe(true);
    },
  );

  it.each([false, true])(
    'a partial refund with the default (revoke) does not turn a later keep-access refund into a revocation (reversed: %s)',
    async (reversed) => {
      const access = await accessAfter(reversed, async (purchase) => {
        await platformRefund(purchase, { amountCents: 400 });
        await platformRefund(purchase, { revokeAccess: false });
      });
      expect(access).toBe(true);
    },
  );

  it.each([false, true])(
    'a Dashboard refund of the rest keeps the access a platform refund promised (reversed: %s)',
    async (reversed) => {
      const access = await accessAfter(reversed, async (purchase) => {
        await platformRefund(purchase, { amountCents: 400, revokeAccess: false });
        world().stub.createRefund(purchase.paymentIntentId);
      });
      expect(access).toBe(true);
    },
  );

  it.each([false, true])(
    'the rest refunded to revoke ends the access an earlier partial refund kept (reversed: %s)',
    async (reversed) => {
      const access = await accessAfter(reversed, async (purchase) => {
        await platformRefund(purchase, { amountCents: 400, revokeAccess: false });
        await platformRefund(purchase, { revokeAccess: true });
      });
      expect(access).toBe(false);
    },
  );

  it.each([false, true])(
    'Dashboard refunds alone end access when they reach the policy (reversed: %s)',
    async (reversed) => {
      const access = await accessAfter(reversed, async (purchase) => {
        world().stub.createRefund(purchase.paymentIntentId, { amount: 400 });
        world().stub.createRefund(purchase.paymentIntentId);
      });
      expect(access).toBe(false);
    },
  );
});
