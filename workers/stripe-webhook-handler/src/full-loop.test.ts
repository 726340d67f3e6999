import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import checkoutApp from '@codex/checkout-worker';
import { signBuyerToken } from '@codex/security';
import { describe, expect, it } from 'vitest';
import {
  createItem,
  deliver,
  readPurchase,
  readStubSession,
  stripeEvent,
  stripeId,
  testEnv,
  updateStubSession,
  type WebhookAnswer,
} from './testing/test-support';

/** A request through the checkout worker's app, on the same database and Stripe stand-in. */
async function callCheckout(path: string, customerId: string, init: RequestInit = {}) {
  const token = await signBuyerToken({ secret: testEnv.AUTH_JWT_SECRET, customerId });
  const ctx = createExecutionContext();
  const response = await checkoutApp.request(
    path,
    {
      ...init,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    },
    testEnv,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

describe('full loop: checkout → Stripe → signed webhook → access', () => {
  it('grants access to the buyer once Stripe reports the checkout paid', async () => {
    const item = await createItem({ priceCents: 2_500 });
    const accessPath = `/api/purchases/access/${item.contentId}`;

    const checkout = await callCheckout('/api/checkout', item.customerId, {
      method: 'POST',
      body: JSON.stringify({ contentId: item.contentId }),
    });
    expect(checkout.status).toBe(201);
    const { data } = (await checkout.json()) as { data: { purchaseId: string; sessionId: string } };
    expect(await (await callCheckout(accessPath, item.customerId)).json()).toEqual({
      hasAccess: false,
    });

    // The buyer pays: Stripe's session becomes complete, and Stripe sends the event built from it.
    const { payment_intent_data: _stubOnly, ...stored } = await readStubSession(data.sessionId);
    expect(stored).toMatchObject({
      client_reference_id: data.purchaseId,
      amount_total: 2_500,
      currency: 'usd',
      metadata: { purchaseId: data.purchaseId, contentId: item.contentId },
    });
    const paid = {
      ...stored,
      status: 'complete',
      payment_status: 'paid',
      payment_intent: stripeId('pi_'),
      url: null,
    };
    await updateStubSession(data.sessionId, {
      status: 'complete',
      payment_status: 'paid',
      payment_intent: paid.payment_intent,
    });

    const webhook = await deliver(stripeEvent('checkout.session.completed', paid));

    expect(webhook.status).toBe(200);
    expect((await webhook.json()) as WebhookAnswer).toMatchObject({ result: 'completed' });
    expect(await (await callCheckout(accessPath, item.customerId)).json()).toEqual({
      hasAccess: true,
    });
    expect(await readPurchase(data.purchaseId)).toMatchObject({
      status: 'completed',
      stripePaymentIntentId: paid.payment_intent,
      pricePaidCents: 2_500,
    });
    // Bought: the checkout worker now refuses a second purchase.
    const again = await callCheckout('/api/checkout', item.customerId, {
      method: 'POST',
      body: JSON.stringify({ contentId: item.contentId }),
    });
    expect(again.status).toBe(409);
  });
});
