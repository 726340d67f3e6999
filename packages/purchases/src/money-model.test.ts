import { eq, paymentEvents, sql, stripeRefunds, stripeWebhookEvents } from '@codex/database';
import type { StripeStubEvent } from '@codex/local-stripe';
import { describe, expect, it } from 'vitest';
import { moneyPurchases } from './testing/money-purchases';
import { useTestWorld } from './testing/test-world';

// The money model's named cases: the delivery orders the issue found broken, buying again, a
// refund that fails after the buyer bought again, and a database failure in the middle of a
// delivery. The property test (money-model.property.test.ts) covers the general case.
const world = useTestWorld();

const PRICE = 1_000;
const { deliver, paidPurchase, purchaseRow, anomaliesOf } = moneyPurchases(world, PRICE);

const byType = (events: StripeStubEvent[], type: string) => {
  const found = events.filter((event) => event.type === type);
  if (found.length === 0) throw new Error(`no ${type} event`);
  return found;
};

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, index) =>
    permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [
      item,
      ...rest,
    ]),
  );
}

describe('a full refund that fails', () => {
  it('leaves the buyer with access in all 24 delivery orders of its four events', async () => {
    const orders = permutations([0, 1, 2, 3]);
    expect(orders).toHaveLength(24);
    for (const order of orders) {
      const paid = await paidPurchase();
      const created = world().stub.createRefund(paid.paymentIntentId, { status: 'pending' });
      const failed = world().stub.updateRefund(created.refund.id, 'failed');
      const events = [
        ...byType(created.events, 'charge.refunded'),
        ...byType(created.events, 'refund.created'),
        ...byType(failed, 'refund.failed'),
        ...byType(failed, 'refund.updated'),
      ];
      for (const index of order) {
        const event = events[index];
        if (event) await deliver(event);
      }
      const row = await purchaseRow(paid.purchaseId);
      expect({ order, refunded: row.amountRefundedCents, refundedAt: row.refundedAt }).toEqual({
        order,
        refunded: 0,
        refundedAt: null,
      });
      expect(await world().access().hasAccess(paid.customerId, paid.contentId)).toBe(true);
    }
  });
});

describe('a 60 % refund that fails, then a full refund', () => {
  it('revokes access in all 6 delivery orders, even with only charge.refunded subscribed', async () => {
    for (const order of permutations([0, 1, 2])) {
      const paid = await paidPurchase();
      const partial = world().stub.createRefund(paid.paymentIntentId, {
        amount: 600,
        status: 'pending',
      });
      const partialFailed = world().stub.updateRefund(partial.refund.id, 'failed');
      const full = world().stub.createRefund(paid.paymentIntentId, {
        amount: PRICE,
        status: 'succeeded',
      });
      const events = [
        ...byType(partial.events, 'charge.refunded'),
        ...byType(partialFailed, 'refund.failed'),
        ...byType(full.events, 'charge.refunded'),
      ];
      for (const index of order) {
        const event = events[index];
        if (event) await deliver(event);
      }
      const row = await purchaseRow(paid.purchaseId);
      expect({ order, refunded: row.amountRefundedCents }).toEqual({ order, refunded: PRICE });
      expect(row.refundedAt).toBeInstanceOf(Date);
      expect(await world().access().hasAccess(paid.customerId, paid.contentId)).toBe(false);
    }
  });
});

describe('buying again', () => {
  it('is allowed after a full refund, and the old purchase keeps its history', async () => {
    const paid = await paidPurchase();
    for (const event of world().stub.createRefund(paid.paymentIntentId).events)
      await deliver(event);
    expect(await world().access().hasAccess(paid.customerId, paid.contentId)).toBe(false);

    const again = await world().checkout().createCheckoutSession(paid.customerId, paid.contentId);

    expect(again.status).toBe('checkout_created');
    const old = await purchaseRow(paid.purchaseId);
    expect(old).toMatchObject({ status: 'completed', amountRefundedCents: PRICE });
    const audit = await world()
      .db.select()
      .from(paymentEvents)
      .where(eq(paymentEvents.purchaseId, paid.purchaseId));
    expect(audit.map((line) => line.kind).sort()).toEqual(['refund', 'refund']);
  });

  it('is allowed after a lost dispute, and refused while a dispute is open', async () => {
    const paid = await paidPurchase();
    const opened = world().stub.openDispute(paid.paymentIntentId);
    for (const event of opened.events) await deliver(event);
    await expect(
      world().checkout().createCheckoutSession(paid.customerId, paid.contentId),
    ).rejects.toMatchObject({ code: 'ALREADY_PURCHASED' });

    for (const event of world().stub.updateDispute(opened.dispute.id, 'lost')) await deliver(event);

    const again = await world().checkout().createCheckoutSession(paid.customerId, paid.contentId);
    expect(again.status).toBe('checkout_created');
  });

  it('a refund that fails after the buyer started a new checkout gives the old purchase back', async () => {
    const paid = await paidPurchase();
    const refund = world().stub.createRefund(paid.paymentIntentId, { status: 'pending' });
    for (const event of refund.events) await deliver(event);
    const newer = await world().checkout().createCheckoutSession(paid.customerId, paid.contentId);
    if (newer.status !== 'checkout_created') throw new Error(`unexpected ${newer.status}`);

    for (const event of world().stub.updateRefund(refund.refund.id, 'failed')) await deliver(event);

    expect(await world().access().hasAccess(paid.customerId, paid.contentId)).toBe(true);
    expect((await purchaseRow(newer.purchaseId)).status).toBe('failed');
    expect((await purchaseRow(paid.purchaseId)).refundedAt).toBeNull();
  });

  it('a refund that fails after the buyer paid again is flagged as a duplicate payment', async () => {
    const first = await paidPurchase();
    const refund = world().stub.createRefund(first.paymentIntentId, { status: 'pending' });
    for (const event of refund.events) await deliver(event);
    const second = await paidPurchase(first);

    for (const event of world().stub.updateRefund(refund.refund.id, 'failed')) await deliver(event);

    expect(await world().access().hasAccess(first.customerId, first.contentId)).toBe(true);
    const anomalies = await anomaliesOf(first.purchaseId);
    expect(anomalies.map((anomaly) => anomaly.kind)).toEqual(['duplicate_payment']);
    const older = await purchaseRow(first.purchaseId);
    expect(older.amountRefundedCents).toBe(0);
    expect(older.refundedAt).toBeInstanceOf(Date);
    expect((await purchaseRow(second.purchaseId)).status).toBe('completed');
  });
});

describe('a database failure in the middle of a delivery', () => {
  it('commits nothing (5xx), and the redelivery is processed once', async () => {
    const paid = await paidPurchase();
    const { events } = world().stub.createRefund(paid.paymentIntentId);
    const refundCreated = byType(events, 'refund.created')[0];
    if (!refundCreated) throw new Error('no refund.created');
    // A trigger makes the derived update fail after the inbox row and the refund were written.
    const trigger = `fail_${paid.purchaseId.replaceAll('-', '')}`;
    await world().db.execute(
      sql.raw(`CREATE FUNCTION ${trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.id = '${paid.purchaseId}' THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$;
        CREATE TRIGGER ${trigger} BEFORE UPDATE ON content_purchases FOR EACH ROW EXECUTE FUNCTION ${trigger}();`),
    );
    try {
      await expect(deliver(refundCreated)).rejects.toThrow();
      const inbox = await world()
        .db.select()
        .from(stripeWebhookEvents)
        .where(eq(stripeWebhookEvents.id, refundCreated.id));
      expect(inbox).toEqual([]);
      const refunds = await world()
        .db.select()
        .from(stripeRefunds)
        .where(eq(stripeRefunds.purchaseId, paid.purchaseId));
      expect(refunds).toEqual([]);
    } finally {
      await world().db.execute(
        sql.raw(`DROP TRIGGER ${trigger} ON content_purchases; DROP FUNCTION ${trigger}();`),
      );
    }

    const outcomes = await Promise.all([deliver(refundCreated), deliver(refundCreated)]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['duplicate', 'processed']);
    expect((await purchaseRow(paid.purchaseId)).amountRefundedCents).toBe(PRICE);
    expect(await world().access().hasAccess(paid.customerId, paid.contentId)).toBe(false);
  });
});
