import { readServerUrl } from '@codex/test-utils';
import { describe, expect, it } from 'vitest';
import { newAddress, useOutboxWorld } from '../testing/outbox-world';

// Concurrent deliveries only on a server: the embedded database serves one connection at a time,
// so deliveries there could not race anyway.
const ON_SERVER = readServerUrl() !== undefined;

// One receipt per Stripe refund that succeeded, whatever the duplicates and the order of its
// snapshots, telling the truth about access after that refund.
const t = useOutboxWorld({ maxConnections: 20 });

async function confirmedPurchase(priceCents: number) {
  const address = newAddress();
  const checkout = await t.paidCheckout(priceCents, address);
  const stripe = t.world().stub;
  for (const event of stripe.payCheckoutSession(checkout.sessionId)) await t.deliver(event);
  await t.drain();
  const paymentIntentId = stripe.getSession(checkout.sessionId)?.payment_intent;
  if (!paymentIntentId) throw new Error('no payment intent');
  return { address, purchaseId: checkout.purchaseId, paymentIntentId };
}

function receiptsIn(address: string) {
  return t.inbox(address).filter((message) => message.subject.startsWith('Refund:'));
}

describe('refund receipts', () => {
  it('duplicate and reordered deliveries of one refund that succeeded: one receipt', async () => {
    const { address, purchaseId, paymentIntentId } = await confirmedPurchase(2_000);
    const { refund, events } = t.world().stub.createRefund(paymentIntentId, { amount: 500 });
    const twice = [...events, ...events];
    if (ON_SERVER) await Promise.all(twice.map((event) => t.deliver(event)));
    else for (const event of twice) await t.deliver(event);
    for (const event of [...events].reverse()) await t.deliver(event);
    await t.drain();
    const receipts = receiptsIn(address);
    expect(receipts).toHaveLength(1);
    expect(receipts[0]?.text).toContain('We refunded $5.00 for');
    expect(receipts[0]?.text).toContain('You keep access');
    const rows = (await t.rowsOf(purchaseId)).filter((row) => row.kind === 'refund_receipt');
    expect(rows.map((row) => row.dedupeKey)).toEqual([`refund_receipt:${refund.id}`]);
  });

  it('two partial refunds: two receipts, each with its own amount, in order', async () => {
    const { address, paymentIntentId } = await confirmedPurchase(2_000);
    const stripe = t.world().stub;
    for (const event of stripe.createRefund(paymentIntentId, { amount: 300 }).events) {
      await t.deliver(event);
    }
    for (const event of stripe.createRefund(paymentIntentId, { amount: 700 }).events) {
      await t.deliver(event);
    }
    await t.drain();
    expect(receiptsIn(address).map((message) => message.text?.split('\n')[0])).toEqual([
      expect.stringContaining('$3.00'),
      expect.stringContaining('$7.00'),
    ]);
  });

  it('a pending refund gets its receipt when it succeeds (access ended already: a pending refund counts), saying access ended', async () => {
    const { address, paymentIntentId } = await confirmedPurchase(1_500);
    const stripe = t.world().stub;
    const { refund, events } = stripe.createRefund(paymentIntentId, { status: 'pending' });
    for (const event of events) await t.deliver(event);
    await t.drain();
    expect(receiptsIn(address)).toEqual([]);
    for (const event of stripe.updateRefund(refund.id, 'succeeded')) await t.deliver(event);
    await t.drain();
    const [receipt] = receiptsIn(address);
    expect(receipt?.text).toContain('We refunded $15.00 for');
    expect(receipt?.text).toContain('Your access to it has ended');
    expect(t.inbox(address).map((message) => message.subject.split(':')[0])).toEqual([
      'Your purchase',
      'Access ended',
      'Refund',
    ]);
  });
});
