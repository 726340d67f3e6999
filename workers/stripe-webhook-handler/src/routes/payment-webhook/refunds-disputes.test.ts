import { eq, paymentEvents } from '@codex/database';
import type { StripeStubEvent } from '@codex/local-stripe';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  deliverAll,
  eventOf,
  payByCard,
  type StartedPurchase,
  startPurchase,
  stripeAction,
} from '../../testing/test-stripe-actions';
import {
  captureConsole,
  deliver,
  hasAccess,
  readPurchase,
  stripeEvent,
  stripeId,
  type WebhookAnswer,
  withTestDatabase,
} from '../../testing/test-support';

// Refunds and disputes through the worker in workerd, with the events the Stripe stand-in emits
// for real actions (and reads back when the worker asks). The general case, every order and
// duplicate, is the property test of @codex/purchases.
afterEach(() => {
  vi.restoreAllMocks();
});

const PRICE = 1_000;

type RefundAction = { refund: { id: string }; events: StripeStubEvent[] };
type DisputeAction = { dispute: { id: string }; events: StripeStubEvent[] };

/** A purchase paid by card, its completion delivered: access granted. */
async function completedPurchase(): Promise<StartedPurchase & { paymentIntentId: string }> {
  const purchase = await startPurchase({ priceCents: PRICE });
  const { events, paymentIntentId } = await payByCard(purchase);
  await deliverAll(events);
  expect(await hasAccess(purchase)).toBe(true);
  return { ...purchase, paymentIntentId };
}

async function ledgerOf(purchaseId: string) {
  return withTestDatabase((db) =>
    db.select().from(paymentEvents).where(eq(paymentEvents.purchaseId, purchaseId)),
  );
}

describe('refunds', () => {
  it('a full refund revokes access; the purchase stays completed and keeps its history', async () => {
    const purchase = await completedPurchase();
    const { events } = await stripeAction<RefundAction>('create-refund', {
      paymentIntentId: purchase.paymentIntentId,
    });

    const answers = await deliverAll(events);

    expect(answers).toContainEqual({
      received: true,
      outcome: 'processed',
      result: 'payment_event_recorded',
    });
    expect(await hasAccess(purchase)).toBe(false);
    const row = await readPurchase(purchase.purchaseId);
    expect(row).toMatchObject({ status: 'completed', amountRefundedCents: PRICE });
    expect(row.refundedAt).toBeInstanceOf(Date);
    expect((await ledgerOf(purchase.purchaseId)).length).toBe(events.length);
  });

  it('a partial refund keeps access; a second reaching the price revokes it', async () => {
    const purchase = await completedPurchase();
    const first = await stripeAction<RefundAction>('create-refund', {
      paymentIntentId: purchase.paymentIntentId,
      amount: 400,
    });
    await deliverAll(first.events);
    expect(await hasAccess(purchase)).toBe(true);
    expect((await readPurchase(purchase.purchaseId)).amountRefundedCents).toBe(400);

    const second = await stripeAction<RefundAction>('create-refund', {
      paymentIntentId: purchase.paymentIntentId,
      amount: 600,
    });
    await deliverAll(second.events);
    expect(await hasAccess(purchase)).toBe(false);
  });

  it('a refund that fails gives access back, whichever of its events arrives first', async () => {
    const purchase = await completedPurchase();
    const created = await stripeAction<RefundAction>('create-refund', {
      paymentIntentId: purchase.paymentIntentId,
      status: 'pending',
    });
    const failed = await stripeAction<{ events: StripeStubEvent[] }>('update-refund', {
      refundId: created.refund.id,
      status: 'failed',
    });
    // The failure first, then the creation and Stripe's cumulative charge.refunded snapshot.
    await deliverAll([...failed.events, ...created.events]);

    expect(await hasAccess(purchase)).toBe(true);
    const row = await readPurchase(purchase.purchaseId);
    expect(row.amountRefundedCents).toBe(0);
    expect(row.refundedAt).toBeNull();
  });

  it('charge.refunded is read again from Stripe, not trusted: a stale cumulative amount does nothing', async () => {
    const purchase = await completedPurchase();
    const created = await stripeAction<RefundAction>('create-refund', {
      paymentIntentId: purchase.paymentIntentId,
    });
    await stripeAction('update-refund', { refundId: created.refund.id, status: 'failed' });

    // Only the snapshot saying "fully refunded" arrives; Stripe now says the refund failed.
    await deliverAll([eventOf(created.events, 'charge.refunded')]);

    expect(await hasAccess(purchase)).toBe(true);
  });
});

describe('disputes', () => {
  it('opened suspends access, won restores it', async () => {
    const purchase = await completedPurchase();
    const opened = await stripeAction<DisputeAction>('open-dispute', {
      paymentIntentId: purchase.paymentIntentId,
    });
    await deliverAll(opened.events);
    expect(await hasAccess(purchase)).toBe(false);
    expect((await readPurchase(purchase.purchaseId)).disputeStatus).toBe('open');

    const won = await stripeAction('update-dispute', {
      disputeId: opened.dispute.id,
      status: 'won',
    });
    await deliverAll(won.events);
    expect(await hasAccess(purchase)).toBe(true);
    expect((await ledgerOf(purchase.purchaseId)).map((line) => line.kind)).toEqual(
      expect.arrayContaining(['dispute_funds_withdrawn', 'dispute_funds_reinstated']),
    );
  });

  it('lost is final: the earlier snapshots delivered late cannot reopen it', async () => {
    const purchase = await completedPurchase();
    const opened = await stripeAction<DisputeAction>('open-dispute', {
      paymentIntentId: purchase.paymentIntentId,
    });
    const lost = await stripeAction('update-dispute', {
      disputeId: opened.dispute.id,
      status: 'lost',
    });

    await deliverAll([...lost.events, ...opened.events]);

    expect(await hasAccess(purchase)).toBe(false);
    expect((await readPurchase(purchase.purchaseId)).disputeStatus).toBe('lost');
  });
});

describe('order independence', () => {
  it('a refund delivered before the completion: the completion does not grant access', async () => {
    const purchase = await startPurchase({ priceCents: PRICE });
    const paid = await payByCard(purchase);
    const refund = await stripeAction<RefundAction>('create-refund', {
      paymentIntentId: paid.paymentIntentId,
    });

    await deliverAll([...refund.events, ...paid.events]);

    expect((await readPurchase(purchase.purchaseId)).status).toBe('completed');
    expect(await hasAccess(purchase)).toBe(false);
  });

  it('acknowledges money that is not ours', async () => {
    captureConsole('warn');
    const response = await deliver(
      stripeEvent('charge.refunded', {
        id: 'ch_not_ours',
        object: 'charge',
        amount: PRICE,
        amount_refunded: PRICE,
        payment_intent: stripeId('pi_'),
        metadata: {},
      }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      outcome: 'processed',
      result: 'unknown_purchase',
    });
  });
});

describe('exactly once', () => {
  it.each(['refund.created', 'charge.refunded', 'charge.dispute.created'])(
    '%s delivered twice in parallel changes state once',
    async (type) => {
      const purchase = await completedPurchase();
      const action =
        type === 'charge.dispute.created'
          ? await stripeAction<DisputeAction>('open-dispute', {
              paymentIntentId: purchase.paymentIntentId,
            })
          : await stripeAction<RefundAction>('create-refund', {
              paymentIntentId: purchase.paymentIntentId,
              amount: 400,
            });
      const event = eventOf(action.events, type);

      const responses = await Promise.all([deliver(event as never), deliver(event as never)]);
      const answers = (await Promise.all(
        responses.map((response) => response.json()),
      )) as WebhookAnswer[];

      expect(answers.map((answer) => answer.outcome).sort()).toEqual(['duplicate', 'processed']);
      const lines = (await ledgerOf(purchase.purchaseId)).filter(
        (line) => line.stripeEventId === event.id,
      );
      expect(lines).toHaveLength(1);
      const row = await readPurchase(purchase.purchaseId);
      if (type === 'charge.dispute.created') expect(row.disputeStatus).toBe('open');
      else expect(row.amountRefundedCents).toBe(400);
    },
  );
});
