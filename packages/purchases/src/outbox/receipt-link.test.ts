import { describe, expect, it } from 'vitest';
import { newAddress, useOutboxWorld } from '../testing/outbox-world';
import { findStripeReceiptUrl } from './find-stripe-receipt-url';

// The confirmation links Stripe's receipt of the charge, found once, when it is first rendered
// (off the webhook's hot path), and the link never reaches a log line.
const t = useOutboxWorld({ maxConnections: 20 });

async function paidPurchase(address: string) {
  const checkout = await t.paidCheckout(1_500, address);
  const stripe = t.world().stub;
  for (const event of stripe.payCheckoutSession(checkout.sessionId)) await t.deliver(event);
  const payment = stripe
    .listPayments()
    .find((candidate) => candidate.session.id === checkout.sessionId);
  const receiptUrl = payment?.charge?.receipt_url;
  if (!receiptUrl) throw new Error('the stand-in gave the charge no receipt_url');
  return { receiptUrl };
}

describe("the confirmation links Stripe's receipt", () => {
  it("links the charge's receipt_url in the text and the HTML", async () => {
    const address = newAddress();
    const { receiptUrl } = await paidPurchase(address);
    await t.drain(t.outbox({ findReceiptUrl: findStripeReceiptUrl(t.world().stripe()) }));
    const [confirmation] = t.inbox(address);
    expect(confirmation?.text).toContain(`Receipt: ${receiptUrl}`);
    expect(confirmation?.html).toContain(`href="${receiptUrl}"`);
    expect(t.logLines.join('\n')).not.toContain(receiptUrl);
  });

  it('Stripe unavailable: the confirmation goes out without the link, and the warning names no URL', async () => {
    const address = newAddress();
    const { receiptUrl } = await paidPurchase(address);
    const remove = t.world().stub.addRule({
      match: { method: 'GET', path: /^\/v1\/payment_intents\// },
      respond: { status: 500 },
    });
    try {
      await t.drain(t.outbox({ findReceiptUrl: findStripeReceiptUrl(t.world().stripe()) }));
    } finally {
      remove();
    }
    const [confirmation] = t.inbox(address);
    expect(confirmation?.subject).toMatch(/^Your purchase: /);
    expect(confirmation?.text).not.toContain('Receipt:');
    expect(t.logLines.join('\n')).toContain('receipt link not found');
    expect(t.logLines.join('\n')).not.toContain(receiptUrl);
  });
});
