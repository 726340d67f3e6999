import type { StripeStubEvent } from '@codex/local-stripe';
import { readServerUrl } from '@codex/test-utils';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { isPurchaseError } from '../purchase-error';
import { moneyPurchases } from '../testing/money-purchases';
import { TEST_STAFF_OWNER, useTestWorld } from '../testing/test-world';

// The double payment of issue 21 resolved from the review queue, in every delivery order: A paid
// and refunded in full, the buyer buys again (B), A's refund fails (A flagged duplicate_payment),
// staff refund one of the two payments. Every event before and after the action arrives in any
// order, some twice, and on a server some at once.
const ON_SERVER = readServerUrl() !== undefined;
const NUM_RUNS = Number(process.env.CODEX_PROPERTY_RUNS ?? (ON_SERVER ? 40 : 20));

/** The organization's owner, as the review routes name the caller. */
const staff = (organizationId: string) => ({ organizationId, userId: TEST_STAFF_OWNER });

const world = useTestWorld({ maxConnections: 20 });
const PRICE = 1_000;
const money = moneyPurchases(world, PRICE);

const delivery: fc.Arbitrary<Delivery> = fc.record({
  keys: fc.array(fc.nat({ max: 1_000 }), { minLength: 1, maxLength: 12 }),
  duplicates: fc.array(fc.nat({ max: 30 }), { maxLength: 4 }),
  concurrent: ON_SERVER ? fc.boolean() : fc.constant(false),
});

/** Delivers `events` ordered by `keys` (cycled), then the listed duplicates. */
type Delivery = { keys: number[]; duplicates: number[]; concurrent: boolean };

async function deliverShuffled(events: StripeStubEvent[], order: Delivery) {
  if (events.length === 0) return;
  const ordered = events
    .map((event, index) => ({ event, key: order.keys[index % order.keys.length] ?? 0 }))
    .sort((a, b) => a.key - b.key)
    .map(({ event }) => event);
  const again = order.duplicates.flatMap((index) => events[index % events.length] ?? []);
  if (order.concurrent) {
    await Promise.all([...ordered, ...again].map((event) => money.deliver(event)));
    return;
  }
  for (const event of [...ordered, ...again]) await money.deliver(event);
}

describe('a double payment resolved from the review queue', () => {
  test.prop([fc.constantFrom('newer' as const, 'older' as const), delivery, delivery], {
    numRuns: NUM_RUNS,
  })(
    'ends with the buyer holding access through the other payment, one refund at Stripe, the flag closed',
    async (refunded, beforeAction, afterAction) => {
      const older = await money.paidPurchase();
      const refund = world().stub.createRefund(older.paymentIntentId, { status: 'pending' });
      await money.deliverAll(refund.events);
      const newer = await world()
        .checkout()
        .createCheckoutSession(older.customerId, older.contentId);
      if (newer.status !== 'checkout_created') throw new Error(`unexpected ${newer.status}`);
      const newerPaid = world().stub.payCheckoutSession(newer.sessionId, { method: 'card' });
      const refundFailed = world().stub.updateRefund(refund.refund.id, 'failed');
      const firstWave = [...newerPaid, ...refundFailed];
      await deliverShuffled(firstWave, beforeAction);

      const [item] = (await world().review().listQueue(staff(older.organizationId))).items;
      if (!item) throw new Error('the double payment is not in the queue');
      expect(item.kind).toBe('duplicate_payment');
      const newerPaymentIntentId = world().stub.getSession(newer.sessionId)?.payment_intent;
      if (!newerPaymentIntentId) throw new Error('no payment intent');
      const target = refunded === 'newer' ? newer.purchaseId : older.purchaseId;
      const before = world().stub.events.length;
      const request = {
        organizationId: older.organizationId,
        anomalyId: item.anomalyId,
        actorId: TEST_STAFF_OWNER,
        idempotencyKey: crypto.randomUUID(),
        action: 'refund_payment' as const,
        targetPurchaseId: target,
      };
      await world().review().resolve(request);
      // A double click: the same request again, and the same action under another key.
      await world().review().resolve(request);
      await world()
        .review()
        .resolve({ ...request, idempotencyKey: crypto.randomUUID() })
        .catch((error: unknown) => {
          if (!isPurchaseError(error) || error.code !== 'REVIEW_ITEM_RESOLVED') throw error;
        });
      // The refund's events, with late copies of everything that came before.
      await deliverShuffled(
        [...world().stub.events.slice(before), ...firstWave, ...refund.events],
        afterAction,
      );

      const refunds = await Promise.all(
        [older.paymentIntentId, newerPaymentIntentId].map((paymentIntent) =>
          world().stripe().refunds.list({ payment_intent: paymentIntent }),
        ),
      );
      const succeeded = refunds.flatMap((list) =>
        list.data.filter((r) => r.status === 'succeeded'),
      );
      expect(succeeded).toHaveLength(1);
      const olderRow = await money.purchaseRow(older.purchaseId);
      const newerRow = await money.purchaseRow(newer.purchaseId);
      const [kept, gone] = refunded === 'newer' ? [olderRow, newerRow] : [newerRow, olderRow];
      expect(kept.refundedAt).toBeNull();
      expect(kept.amountRefundedCents).toBe(0);
      expect(gone.amountRefundedCents).toBe(PRICE);
      expect(gone.refundedAt).toBeInstanceOf(Date);
      expect(await world().access().hasAccess(older.customerId, older.contentId)).toBe(true);
      expect((await world().review().listQueue(staff(older.organizationId))).items).toEqual([]);
      await expect(
        world().checkout().createCheckoutSession(older.customerId, older.contentId),
      ).rejects.toMatchObject({ code: 'ALREADY_PURCHASED' });
    },
    180_000,
  );
});
