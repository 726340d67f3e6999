import { contentPurchases, eq } from '@codex/database';
import type { StripeStubEvent } from '@codex/local-stripe';
import { performHistory, readServerUrl, type StripeHistory } from '@codex/test-utils';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { isPurchaseError } from './purchase-error';
import { moneyPurchases } from './testing/money-purchases';
import { useTestWorld } from './testing/test-world';

// The money model's edges (issue 21; the named cases are in money-edges.test.ts) in every delivery
// order: a refund that fails after the buyer checked out again, and a payment held for review that
// the merchant refunds. As in money-model.property.test.ts: concurrent deliveries on a server only.
const ON_SERVER = readServerUrl() !== undefined;
const NUM_RUNS = Number(process.env.CODEX_PROPERTY_RUNS ?? (ON_SERVER ? 60 : 25));

const world = useTestWorld({ maxConnections: 20 });
const PRICE = 1_000;
const money = moneyPurchases(world, PRICE);

/**
 * Delivers `events` ordered by `keys` (cycled), then the listed duplicates, one after the other or
 * all at once.
 */
async function deliverShuffled(
  events: StripeStubEvent[],
  delivery: { keys: number[]; duplicates: number[]; concurrent: boolean },
) {
  const ordered = events
    .map((event, index) => ({ event, key: delivery.keys[index % delivery.keys.length] ?? 0 }))
    .sort((a, b) => a.key - b.key)
    .map(({ event }) => event);
  const again = delivery.duplicates.flatMap((index) => events[index % events.length] ?? []);
  if (delivery.concurrent) {
    await Promise.all([...ordered, ...again].map((event) => money.deliver(event)));
    return;
  }
  for (const event of [...ordered, ...again]) await money.deliver(event);
}

describe('a full refund that fails after the buyer checked out again', () => {
  test.prop(
    [
      fc.boolean(),
      fc.array(fc.nat({ max: 1_000 }), { minLength: 1, maxLength: 12 }),
      fc.array(fc.nat({ max: 20 }), { maxLength: 3 }),
      ON_SERVER ? fc.boolean() : fc.constant(false),
    ],
    { numRuns: NUM_RUNS },
  )(
    'the buyer keeps one paid purchase, never pays into a failed one, and a double payment is flagged',
    async (newerPaid, keys, duplicates, concurrent) => {
      const older = await money.paidPurchase();
      const refund = world().stub.createRefund(older.paymentIntentId, { status: 'pending' });
      for (const event of refund.events) await money.deliver(event);
      const newer = await world()
        .checkout()
        .createCheckoutSession(older.customerId, older.contentId);
      if (newer.status !== 'checkout_created') throw new Error(`unexpected ${newer.status}`);
      // The buyer may pay the newer checkout's open tab; then the older refund fails. The events
      // of both reach us in any order, some twice.
      const newerEvents = newerPaid
        ? world().stub.payCheckoutSession(newer.sessionId, { method: 'card' })
        : [];
      const refundFailed = world().stub.updateRefund(refund.refund.id, 'failed');
      const before = world().stub.events.length;
      await deliverShuffled([...newerEvents, ...refundFailed], { keys, duplicates, concurrent });
      // Stripe's answer to expiring the newer session (checkout.session.expired), if any.
      for (const event of world().stub.events.slice(before)) await money.deliver(event);

      const olderRow = await money.purchaseRow(older.purchaseId);
      const newerRow = await money.purchaseRow(newer.purchaseId);
      expect(await world().access().hasAccess(older.customerId, older.contentId)).toBe(true);
      expect(await money.anomaliesOf(newer.purchaseId)).toEqual([]);
      if (newerPaid) {
        expect(newerRow.status).toBe('completed');
        expect(olderRow.refundedAt).toBeInstanceOf(Date);
        const kinds = (await money.anomaliesOf(older.purchaseId)).map((anomaly) => anomaly.kind);
        expect(kinds).toEqual(['duplicate_payment']);
      } else {
        expect(newerRow.status).toBe('failed');
        expect(world().stub.getSession(newer.sessionId)?.status).toBe('expired');
        expect(olderRow.refundedAt).toBeNull();
      }
      await expect(
        world().checkout().createCheckoutSession(older.customerId, older.contentId),
      ).rejects.toMatchObject({ code: 'ALREADY_PURCHASED' });
    },
    180_000,
  );
});

/** Refunds at Stripe that count in the end: made pending or succeeded, pending ones succeeding. */
const countedRefunds: fc.Arbitrary<StripeHistory> = fc.record({
  payment: fc.constant('card' as const),
  actions: fc.array(
    fc.oneof(
      fc.record({
        kind: fc.constant('refund' as const),
        percent: fc.constantFrom(100, 60, 40, 1),
        status: fc.constantFrom('pending' as const, 'succeeded' as const),
      }),
      fc.record({
        kind: fc.constant('refund_update' as const),
        which: fc.nat({ max: 3 }),
        status: fc.constant('succeeded' as const),
      }),
    ),
    { maxLength: 4 },
  ),
  delivery: fc.array(fc.record({ lag: fc.nat({ max: 3 }), order: fc.nat({ max: 1_000 }) }), {
    minLength: 1,
    maxLength: 12,
  }),
  duplicates: fc.array(fc.nat({ max: 20 }), { maxLength: 3 }),
});

describe('a payment held for review that the merchant refunds', () => {
  test.prop([countedRefunds, ON_SERVER ? fc.boolean() : fc.constant(false)], {
    numRuns: NUM_RUNS,
  })(
    'ends failed and frees the slot once refunded in full against what was charged, else stays held',
    async (history, concurrent) => {
      const { contentId, customerId } = await world().newItem(PRICE);
      const checkout = await world().checkout().createCheckoutSession(customerId, contentId);
      if (checkout.status !== 'checkout_created') throw new Error(`unexpected ${checkout.status}`);
      // Recorded at another price than the session charges: the completion is an amount_mismatch.
      await world()
        .db.update(contentPurchases)
        .set({ pricePaidCents: 1_200 })
        .where(eq(contentPurchases.id, checkout.purchaseId));
      const inFlight: Array<Promise<unknown>> = [];
      const deliver = async (event: StripeStubEvent) => {
        const handled = money.deliver(event);
        if (concurrent) inFlight.push(handled);
        else await handled;
      };
      const { expected } = await performHistory(
        world().stub,
        checkout.sessionId,
        PRICE,
        history,
        deliver,
      );
      await Promise.all(inFlight);

      const row = await money.purchaseRow(checkout.purchaseId);
      expect(row.amountRefundedCents).toBe(expected.refundedCents);
      expect(row.status).toBe(expected.refundEndsAccess ? 'failed' : 'pending');
      const kinds = (await money.anomaliesOf(checkout.purchaseId)).map((anomaly) => anomaly.kind);
      expect(kinds).toEqual(['amount_mismatch']);
      const again = await world()
        .checkout()
        .createCheckoutSession(customerId, contentId)
        .catch((error: unknown) => {
          if (isPurchaseError(error)) return { status: error.code };
          throw error;
        });
      if (expected.refundEndsAccess) expect(again.status).toBe('checkout_created');
      else expect(['checkout_reused', 'ALREADY_PURCHASED']).toContain(again.status);
    },
    180_000,
  );
});
