import { eq, paymentEvents } from '@codex/database';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  captureConsole,
  checkoutSession,
  deliver,
  hasAccess,
  readPurchase,
  seedPendingPurchase,
  stripeEvent,
  stripeId,
  type TestPurchase,
  testStripeClient,
  updateStubSession,
  type WebhookAnswer,
  withTestDatabase,
} from './test-support';

afterEach(() => {
  vi.restoreAllMocks();
});

const PRICE = 1_000;

async function answerOf(response: Response): Promise<WebhookAnswer> {
  expect(response.status).toBe(200);
  return (await response.json()) as WebhookAnswer;
}

/** A purchase completed through a signed webhook, and the payment intent that paid it. */
async function completedPurchase(): Promise<{ purchase: TestPurchase; paymentIntent: string }> {
  const purchase = await seedPendingPurchase({ priceCents: PRICE });
  const paymentIntent = stripeId('pi_');
  await answerOf(
    await deliver(
      stripeEvent(
        'checkout.session.completed',
        checkoutSession(purchase, { payment_intent: paymentIntent }),
      ),
    ),
  );
  expect(await hasAccess(purchase)).toBe(true);
  return { purchase, paymentIntent };
}

function charge(
  paymentIntent: string,
  amountRefunded: number,
  metadata: Record<string, string> = {},
) {
  return {
    id: `ch_${paymentIntent.slice(3)}`,
    object: 'charge',
    payment_intent: paymentIntent,
    amount: PRICE,
    amount_refunded: amountRefunded,
    refunded: amountRefunded >= PRICE,
    currency: 'usd',
    metadata,
  };
}

function refund(
  paymentIntent: string,
  id: string,
  amount: number,
  status: 'failed' | 'canceled' | 'succeeded',
) {
  return {
    id,
    object: 'refund',
    payment_intent: paymentIntent,
    charge: `ch_${paymentIntent.slice(3)}`,
    amount,
    status,
    metadata: {},
  };
}

function dispute(paymentIntent: string, status: string, metadata: Record<string, string> = {}) {
  return {
    id: `dp_${paymentIntent.slice(3)}`,
    object: 'dispute',
    payment_intent: paymentIntent,
    charge: `ch_${paymentIntent.slice(3)}`,
    amount: PRICE,
    currency: 'usd',
    status,
    reason: 'fraudulent',
    metadata,
  };
}

async function ledgerOf(purchaseId: string) {
  return withTestDatabase((db) =>
    db.select().from(paymentEvents).where(eq(paymentEvents.purchaseId, purchaseId)),
  );
}

describe('refunds', () => {
  it('a full refund revokes access', async () => {
    const { purchase, paymentIntent } = await completedPurchase();
    const answer = await answerOf(
      await deliver(stripeEvent('charge.refunded', charge(paymentIntent, PRICE))),
    );
    expect(answer).toMatchObject({ outcome: 'processed', result: 'payment_event_recorded' });
    expect(await hasAccess(purchase)).toBe(false);
    const row = await readPurchase(purchase.purchaseId);
    expect(row.amountRefundedCents).toBe(PRICE);
    expect(row.refundedAt).toBeInstanceOf(Date);
    expect(row.status).toBe('completed');
  });

  it('a partial refund is recorded and keeps access; a second partial reaching the price revokes', async () => {
    const { purchase, paymentIntent } = await completedPurchase();

    await answerOf(await deliver(stripeEvent('charge.refunded', charge(paymentIntent, 400))));
    expect(await hasAccess(purchase)).toBe(true);
    expect((await readPurchase(purchase.purchaseId)).amountRefundedCents).toBe(400);

    // Stripe reports the cumulative amount refunded on the charge.
    await answerOf(await deliver(stripeEvent('charge.refunded', charge(paymentIntent, PRICE))));
    expect(await hasAccess(purchase)).toBe(false);
    expect(
      (await ledgerOf(purchase.purchaseId)).map((entry) => [entry.kind, entry.amountCents]),
    ).toEqual(
      expect.arrayContaining([
        ['refund', 400],
        ['refund', PRICE],
      ]),
    );
  });

  it('out of order partials keep the highest cumulative amount', async () => {
    const { purchase, paymentIntent } = await completedPurchase();
    await answerOf(await deliver(stripeEvent('charge.refunded', charge(paymentIntent, PRICE))));
    await answerOf(await deliver(stripeEvent('charge.refunded', charge(paymentIntent, 400))));
    expect((await readPurchase(purchase.purchaseId)).amountRefundedCents).toBe(PRICE);
    expect(await hasAccess(purchase)).toBe(false);
  });

  it('a failed refund restores the access it alone revoked, and is undone only once', async () => {
    const { purchase, paymentIntent } = await completedPurchase();
    await answerOf(await deliver(stripeEvent('charge.refunded', charge(paymentIntent, 400))));
    await answerOf(await deliver(stripeEvent('charge.refunded', charge(paymentIntent, PRICE))));
    expect(await hasAccess(purchase)).toBe(false);

    const failedRefund = refund(paymentIntent, 're_second_part', 600, 'failed');
    await answerOf(await deliver(stripeEvent('refund.updated', failedRefund)));
    expect(await hasAccess(purchase)).toBe(true);
    // Stripe also sends refund.failed for the same refund: no second subtraction.
    const again = await answerOf(await deliver(stripeEvent('refund.failed', failedRefund)));
    expect(again).toMatchObject({ result: 'unchanged' });
    const row = await readPurchase(purchase.purchaseId);
    expect(row.amountRefundedCents).toBe(400);
    expect(row.refundedAt).toBeNull();
  });

  it('a refund update that is not a failure changes nothing', async () => {
    const { purchase, paymentIntent } = await completedPurchase();
    const answer = await answerOf(
      await deliver(
        stripeEvent('refund.updated', refund(paymentIntent, 're_fine', 100, 'succeeded')),
      ),
    );
    expect(answer).toMatchObject({ outcome: 'ignored' });
    expect(await hasAccess(purchase)).toBe(true);
  });
});

describe('disputes', () => {
  it('created suspends access, won restores it', async () => {
    const { purchase, paymentIntent } = await completedPurchase();
    await answerOf(
      await deliver(
        stripeEvent('charge.dispute.created', dispute(paymentIntent, 'needs_response')),
      ),
    );
    expect(await hasAccess(purchase)).toBe(false);
    expect((await readPurchase(purchase.purchaseId)).disputeStatus).toBe('open');

    await answerOf(
      await deliver(stripeEvent('charge.dispute.closed', dispute(paymentIntent, 'won'))),
    );
    expect(await hasAccess(purchase)).toBe(true);
  });

  it('lost revokes for good: a later won-looking event cannot bring access back', async () => {
    const { purchase, paymentIntent } = await completedPurchase();
    await answerOf(
      await deliver(
        stripeEvent('charge.dispute.created', dispute(paymentIntent, 'needs_response')),
      ),
    );
    await answerOf(
      await deliver(stripeEvent('charge.dispute.closed', dispute(paymentIntent, 'lost'))),
    );
    expect(await hasAccess(purchase)).toBe(false);

    await answerOf(
      await deliver(stripeEvent('charge.dispute.closed', dispute(paymentIntent, 'won'))),
    );
    await answerOf(
      await deliver(
        stripeEvent('charge.dispute.created', dispute(paymentIntent, 'needs_response')),
      ),
    );
    expect(await hasAccess(purchase)).toBe(false);
    expect((await readPurchase(purchase.purchaseId)).disputeStatus).toBe('lost');
  });

  it('a created that arrives after closed does not reopen the dispute', async () => {
    const { purchase, paymentIntent } = await completedPurchase();
    await answerOf(
      await deliver(stripeEvent('charge.dispute.closed', dispute(paymentIntent, 'won'))),
    );
    await answerOf(
      await deliver(
        stripeEvent('charge.dispute.created', dispute(paymentIntent, 'needs_response')),
      ),
    );
    expect(await hasAccess(purchase)).toBe(true);
  });

  it('records funds withdrawn and reinstated without changing access', async () => {
    const { purchase, paymentIntent } = await completedPurchase();
    await answerOf(
      await deliver(
        stripeEvent('charge.dispute.funds_withdrawn', dispute(paymentIntent, 'needs_response')),
      ),
    );
    await answerOf(
      await deliver(stripeEvent('charge.dispute.funds_reinstated', dispute(paymentIntent, 'won'))),
    );
    expect((await ledgerOf(purchase.purchaseId)).map((entry) => entry.kind).sort()).toEqual([
      'dispute_funds_reinstated',
      'dispute_funds_withdrawn',
    ]);
    expect(await hasAccess(purchase)).toBe(true);
  });
});

describe('order independence', () => {
  it('a refund carrying the purchase id before completion: the completion does not grant access', async () => {
    const purchase = await seedPendingPurchase({ priceCents: PRICE });
    const paymentIntent = stripeId('pi_');
    await answerOf(
      await deliver(
        stripeEvent(
          'charge.refunded',
          charge(paymentIntent, PRICE, { purchaseId: purchase.purchaseId }),
        ),
      ),
    );
    await answerOf(
      await deliver(
        stripeEvent(
          'checkout.session.completed',
          checkoutSession(purchase, { payment_intent: paymentIntent }),
        ),
      ),
    );
    const row = await readPurchase(purchase.purchaseId);
    expect(row.status).toBe('completed');
    expect(await hasAccess(purchase)).toBe(false);
  });

  it('a dispute found through the payment intent’s metadata before completion blocks access', async () => {
    const purchase = await seedPendingPurchase({ priceCents: PRICE });
    const paymentIntent = stripeId('pi_');
    // A real session on the stand-in, paid with the payment intent that carries the purchase id.
    const session = await testStripeClient().checkout.sessions.create({
      mode: 'payment',
      success_url: 'https://app.codex.test/ok',
      cancel_url: 'https://app.codex.test/cancel',
      line_items: [
        {
          quantity: 1,
          price_data: { currency: 'usd', unit_amount: PRICE, product_data: { name: 'x' } },
        },
      ],
      payment_intent_data: { metadata: { purchaseId: purchase.purchaseId } },
    });
    await updateStubSession(session.id, {
      status: 'complete',
      payment_status: 'paid',
      payment_intent: paymentIntent,
    });

    const answer = await answerOf(
      await deliver(
        stripeEvent('charge.dispute.created', dispute(paymentIntent, 'needs_response')),
      ),
    );
    expect(answer).toMatchObject({ result: 'payment_event_recorded' });
    await answerOf(
      await deliver(
        stripeEvent(
          'checkout.session.completed',
          checkoutSession(purchase, { payment_intent: paymentIntent }),
        ),
      ),
    );
    expect((await readPurchase(purchase.purchaseId)).status).toBe('completed');
    expect(await hasAccess(purchase)).toBe(false);
  });

  it('acknowledges a charge that is not ours', async () => {
    captureConsole('warn');
    const answer = await answerOf(
      await deliver(stripeEvent('charge.refunded', charge(stripeId('pi_'), PRICE))),
    );
    expect(answer).toMatchObject({ outcome: 'processed', result: 'unknown_purchase' });
  });
});

describe('exactly once', () => {
  it.each([
    ['charge.refunded', (pi: string) => charge(pi, 400)],
    ['charge.dispute.created', (pi: string) => dispute(pi, 'needs_response')],
    ['refund.failed', (pi: string) => refund(pi, 're_parallel', 400, 'failed')],
  ] as const)('%s delivered twice in parallel changes state once', async (type, objectFor) => {
    const { purchase, paymentIntent } = await completedPurchase();
    if (type === 'refund.failed') {
      await answerOf(await deliver(stripeEvent('charge.refunded', charge(paymentIntent, PRICE))));
    }
    const event = stripeEvent(type, objectFor(paymentIntent));

    const responses = await Promise.all([deliver(event), deliver(event)]);
    const answers = await Promise.all(responses.map(answerOf));

    expect(answers.map((answer) => answer.outcome).sort()).toEqual(['duplicate', 'processed']);
    const entries = (await ledgerOf(purchase.purchaseId)).filter(
      (entry) => entry.stripeEventId === event.id,
    );
    expect(entries).toHaveLength(1);
    const row = await readPurchase(purchase.purchaseId);
    if (type === 'charge.refunded') expect(row.amountRefundedCents).toBe(400);
    if (type === 'charge.dispute.created') expect(row.disputeStatus).toBe('open');
    if (type === 'refund.failed') expect(row.amountRefundedCents).toBe(600);
  });
});
