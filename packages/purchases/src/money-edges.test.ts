import { contentPurchases, eq, fulfillmentAnomalies, stripeWebhookEvents } from '@codex/database';
import { describe, expect, it } from 'vitest';
import { moneyPurchases } from './testing/money-purchases';
import { useTestWorld } from './testing/test-world';

// The money model's edges (issue 21): the rare paths that used to end in states nobody could
// leave. The property tests (money-model.property.test.ts) cover their delivery orders.
const world = useTestWorld();

const PRICE = 1_000;
const { deliver, paidPurchase, purchaseRow, anomaliesOf } = moneyPurchases(world, PRICE);

/** A paid purchase refunded in full (pending), then a newer checkout of the same item. */
async function refundedThenNewCheckout() {
  const older = await paidPurchase();
  const refund = world().stub.createRefund(older.paymentIntentId, { status: 'pending' });
  for (const event of refund.events) await deliver(event);
  const newer = await world().checkout().createCheckoutSession(older.customerId, older.contentId);
  if (newer.status !== 'checkout_created') throw new Error(`unexpected ${newer.status}`);
  return { older, newer, refundId: refund.refund.id };
}

describe('a refund that fails after the buyer started a newer checkout', () => {
  it('expires the newer checkout’s session at Stripe before failing it', async () => {
    const { older, newer, refundId } = await refundedThenNewCheckout();

    for (const event of world().stub.updateRefund(refundId, 'failed')) await deliver(event);

    expect(world().stub.getSession(newer.sessionId)?.status).toBe('expired');
    expect((await purchaseRow(newer.purchaseId)).status).toBe('failed');
    expect(await world().access().hasAccess(older.customerId, older.contentId)).toBe(true);
  });

  it('leaves a newer checkout being paid alone and flags the older purchase as a duplicate payment', async () => {
    const { older, newer, refundId } = await refundedThenNewCheckout();
    // The buyer pays the open tab; its completion has not arrived yet.
    const newerPaid = world().stub.payCheckoutSession(newer.sessionId, { method: 'card' });

    for (const event of world().stub.updateRefund(refundId, 'failed')) await deliver(event);

    expect((await purchaseRow(newer.purchaseId)).status).toBe('pending');
    expect((await purchaseRow(older.purchaseId)).refundedAt).toBeInstanceOf(Date);
    expect((await anomaliesOf(older.purchaseId)).map((anomaly) => anomaly.kind)).toEqual([
      'duplicate_payment',
    ]);
    for (const event of newerPaid) await deliver(event);
    expect((await purchaseRow(newer.purchaseId)).status).toBe('completed');
    expect(await anomaliesOf(newer.purchaseId)).toEqual([]);
    expect(await world().access().hasAccess(older.customerId, older.contentId)).toBe(true);
  });

  it('writes nothing while Stripe cannot expire the session, and settles on redelivery', async () => {
    const { older, newer, refundId } = await refundedThenNewCheckout();
    const failed = world().stub.updateRefund(refundId, 'failed');
    const refundFailed = failed.find((event) => event.type === 'refund.failed');
    if (!refundFailed) throw new Error('no refund.failed');
    const remove = world().stub.addRule({
      match: { method: 'POST', path: `/v1/checkout/sessions/${newer.sessionId}/expire` },
      respond: { status: 500 },
    });
    try {
      await expect(deliver(refundFailed)).rejects.toThrow();
    } finally {
      remove();
    }
    const inbox = await world()
      .db.select()
      .from(stripeWebhookEvents)
      .where(eq(stripeWebhookEvents.id, refundFailed.id));
    expect(inbox).toEqual([]);
    expect((await purchaseRow(newer.purchaseId)).status).toBe('pending');
    expect((await purchaseRow(older.purchaseId)).amountRefundedCents).toBe(PRICE);

    expect((await deliver(refundFailed)).status).toBe('processed');
    expect(world().stub.getSession(newer.sessionId)?.status).toBe('expired');
    expect((await purchaseRow(newer.purchaseId)).status).toBe('failed');
    expect(await world().access().hasAccess(older.customerId, older.contentId)).toBe(true);
  });
});

/** A checkout of a 1000 item with exclusive tax, paid at Stripe (1100 charged), nothing delivered. */
async function taxedPaymentNotDelivered() {
  const { contentId, customerId } = await world().newItem(PRICE);
  const checkout = await world()
    .checkout({ automaticTax: true, taxBehavior: 'exclusive' })
    .createCheckoutSession(customerId, contentId);
  if (checkout.status !== 'checkout_created') throw new Error(`unexpected ${checkout.status}`);
  const paid = world().stub.payCheckoutSession(checkout.sessionId, {
    method: 'card',
    taxRatePercent: 10,
  });
  const session = world().stub.getSession(checkout.sessionId);
  if (!session?.payment_intent) throw new Error('no payment intent');
  expect(session.amount_total).toBe(1_100);
  return { ...checkout, contentId, customerId, paid, paymentIntentId: session.payment_intent };
}

describe('a refund of a taxed purchase (price 1000, charged 1100)', () => {
  for (const order of ['before', 'after'] as const) {
    it(`refunding the price only keeps access when it arrives ${order} the completion`, async () => {
      const purchase = await taxedPaymentNotDelivered();
      const refund = world().stub.createRefund(purchase.paymentIntentId, { amount: PRICE });
      const events =
        order === 'before'
          ? [...refund.events, ...purchase.paid]
          : [...purchase.paid, ...refund.events];
      for (const event of events) await deliver(event);

      const row = await purchaseRow(purchase.purchaseId);
      expect({ status: row.status, refunded: row.amountRefundedCents, at: row.refundedAt }).toEqual(
        {
          status: 'completed',
          refunded: PRICE,
          at: null,
        },
      );
      expect(await world().access().hasAccess(purchase.customerId, purchase.contentId)).toBe(true);
    });

    it(`refunding what was charged revokes access when it arrives ${order} the completion`, async () => {
      const purchase = await taxedPaymentNotDelivered();
      const refund = world().stub.createRefund(purchase.paymentIntentId, { amount: 1_100 });
      const events =
        order === 'before'
          ? [...refund.events, ...purchase.paid]
          : [...purchase.paid, ...refund.events];
      for (const event of events) await deliver(event);

      expect((await purchaseRow(purchase.purchaseId)).refundedAt).toBeInstanceOf(Date);
      expect(await world().access().hasAccess(purchase.customerId, purchase.contentId)).toBe(false);
    });
  }
});

describe('a refund of the price measured before the completion, and the buyer checked out again', () => {
  it('leaves the slot with the newer checkout: the completion keeps the older purchase revoked', async () => {
    const purchase = await taxedPaymentNotDelivered();
    for (const event of world().stub.createRefund(purchase.paymentIntentId, { amount: PRICE })
      .events) {
      await deliver(event);
    }
    // Measured against the price, as before refunds were measured against the payment: revoked,
    // the slot free.
    await world()
      .db.update(contentPurchases)
      .set({ refundedAt: new Date() })
      .where(eq(contentPurchases.id, purchase.purchaseId));
    const newer = await world()
      .checkout()
      .createCheckoutSession(purchase.customerId, purchase.contentId);
    expect(newer.status).toBe('checkout_created');

    for (const event of purchase.paid) expect((await deliver(event)).status).toBe('processed');

    const row = await purchaseRow(purchase.purchaseId);
    expect(row.status).toBe('completed');
    expect(row.refundedAt).toBeInstanceOf(Date);
    expect((await purchaseRow(newer.purchaseId)).status).toBe('pending');
  });
});

/**
 * A payment that does not match its purchase: the purchase records a price of 1200 while Stripe
 * charged the session's 1000 (a session created for another amount). Paid at Stripe, nothing
 * delivered yet.
 */
async function mismatchedPaymentNotDelivered() {
  const { contentId, customerId } = await world().newItem(PRICE);
  const checkout = await world().checkout().createCheckoutSession(customerId, contentId);
  if (checkout.status !== 'checkout_created') throw new Error(`unexpected ${checkout.status}`);
  await world()
    .db.update(contentPurchases)
    .set({ pricePaidCents: 1_200 })
    .where(eq(contentPurchases.id, checkout.purchaseId));
  const paid = world().stub.payCheckoutSession(checkout.sessionId, { method: 'card' });
  const paymentIntentId = world().stub.getSession(checkout.sessionId)?.payment_intent;
  if (!paymentIntentId) throw new Error('no payment intent');
  return { ...checkout, contentId, customerId, paid, paymentIntentId };
}

describe('a payment flagged for review that the merchant refunds in full', () => {
  for (const order of ['before', 'after'] as const) {
    it(`frees the slot and ends the purchase failed when the refund arrives ${order} the flag`, async () => {
      const purchase = await mismatchedPaymentNotDelivered();
      const refund = world().stub.createRefund(purchase.paymentIntentId);
      const events =
        order === 'before'
          ? [...refund.events, ...purchase.paid]
          : [...purchase.paid, ...refund.events];
      for (const event of events) await deliver(event);

      const row = await purchaseRow(purchase.purchaseId);
      expect({ status: row.status, refunded: row.amountRefundedCents }).toEqual({
        status: 'failed',
        refunded: PRICE,
      });
      expect(row.refundedAt).toBeInstanceOf(Date);
      const again = await world()
        .checkout()
        .createCheckoutSession(purchase.customerId, purchase.contentId);
      expect(again.status).toBe('checkout_created');
      // A late copy of the completion: the money went back, nothing more to review.
      for (const event of purchase.paid) await deliver({ ...event, id: `${event.id}_again` });
      const kinds = (await anomaliesOf(purchase.purchaseId)).map((anomaly) => anomaly.kind);
      expect(kinds).toEqual(['amount_mismatch']);
    });
  }

  it('stays pending and flagged after a partial refund', async () => {
    const purchase = await mismatchedPaymentNotDelivered();
    for (const event of [
      ...purchase.paid,
      ...world().stub.createRefund(purchase.paymentIntentId, { amount: 400 }).events,
    ]) {
      await deliver(event);
    }
    expect((await purchaseRow(purchase.purchaseId)).status).toBe('pending');
    // The slot stays held: buying again hands out the same checkout (whose page says it is paid).
    const again = await world()
      .checkout()
      .createCheckoutSession(purchase.customerId, purchase.contentId);
    expect(again).toMatchObject({ status: 'checkout_reused', purchaseId: purchase.purchaseId });
  });

  it('is no longer read from Stripe by reconciliation once its anomaly is resolved', async () => {
    const purchase = await mismatchedPaymentNotDelivered();
    const events = [
      ...purchase.paid,
      ...world().stub.createRefund(purchase.paymentIntentId).events,
    ];
    for (const event of events) {
      await deliver(event);
      world().stub.markEventDelivered(event.id);
    }
    await world()
      .db.update(fulfillmentAnomalies)
      .set({ resolvedAt: new Date() })
      .where(eq(fulfillmentAnomalies.purchaseId, purchase.purchaseId));
    const later = () => new Date(Date.now() + 20 * 60_000);
    const sessionReads = () =>
      world().stub.requests.filter((request) => request.path.endsWith(purchase.sessionId)).length;
    const before = sessionReads();

    await world().fulfillment(later).reconcilePendingPurchases();
    await world().fulfillment(later).reconcilePendingPurchases();

    expect(sessionReads() - before).toBe(0);
  });
});

describe('the same problem seen again', () => {
  it('re-opens its resolved anomaly, keeping when it was first seen', async () => {
    const purchase = await mismatchedPaymentNotDelivered();
    for (const event of purchase.paid) await deliver(event);
    const [first] = await anomaliesOf(purchase.purchaseId);
    await world()
      .db.update(fulfillmentAnomalies)
      .set({ resolvedAt: new Date() })
      .where(eq(fulfillmentAnomalies.purchaseId, purchase.purchaseId));

    for (const event of purchase.paid) await deliver({ ...event, id: `${event.id}_again` });

    const anomalies = await anomaliesOf(purchase.purchaseId);
    expect(anomalies).toHaveLength(1);
    expect(anomalies[0]).toMatchObject({ resolvedAt: null, createdAt: first?.createdAt });
  });
});
