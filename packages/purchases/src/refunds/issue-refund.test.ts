import {
  and,
  contentPurchases,
  eq,
  paymentEvents,
  refundRequests,
  sql,
  stripeDisputes,
} from '@codex/database';
import type { StripeStubEvent } from '@codex/local-stripe';
import { describe, expect, it } from 'vitest';
import { moneyPurchases } from '../testing/money-purchases';
import { codeOf } from '../testing/refusal-code';
import { TEST_STAFF_OWNER, useTestWorld } from '../testing/test-world';
import { stripeRefundIdempotencyKey } from './create-stripe-refund';
import type { RefundRequestInput } from './issue-refund';

// Refunds issued by staff from the platform, against a real Postgres and the Stripe stand-in
// through the real client: what Stripe is asked, what is recorded (who, when, why), the refusals,
// idempotency under repeats and races, and access following the refund's webhooks. The property
// test (money-model.property.test.ts) covers every order of those webhooks.
const world = useTestWorld({ maxConnections: 20 });

const PRICE = 1_000;
const STAFF = TEST_STAFF_OWNER;

const { paidPurchase, deliverAll } = moneyPurchases(world, PRICE);

function requestFor(
  purchase: { organizationId: string; purchaseId: string },
  fields: Partial<RefundRequestInput> = {},
): RefundRequestInput {
  return {
    organizationId: purchase.organizationId,
    purchaseId: purchase.purchaseId,
    requestedBy: STAFF,
    idempotencyKey: crypto.randomUUID(),
    reason: 'requested_by_customer',
    revokeAccess: true,
    ...fields,
  };
}

/** The events Stripe emitted from `before` on (an index into the stand-in's event list). */
const eventsSince = (before: number) => world().stub.events.slice(before);

const refundCalls = () =>
  world().stub.requests.filter(
    (request) => request.method === 'POST' && request.path === '/v1/refunds',
  );

const hasAccess = (purchase: { customerId: string; contentId: string }) =>
  world().access().hasAccess(purchase.customerId, purchase.contentId);

describe('issuing a refund from the platform', () => {
  it('asks Stripe once, records who, when and why, and revokes access when the webhooks arrive', async () => {
    const purchase = await paidPurchase();
    const before = world().stub.events.length;
    const request = requestFor(purchase, { note: 'Buyer wrote to support' });

    const answer = await world().refunds().issueRefund(request);

    expect(answer).toMatchObject({
      purchaseId: purchase.purchaseId,
      amountCents: PRICE,
      currency: 'usd',
      status: 'succeeded',
      revokeAccess: true,
      replayed: false,
    });
    expect(answer.refundId).toMatch(/^re_/);
    const [call] = refundCalls().slice(-1);
    expect(call?.idempotencyKey).toBe(
      await stripeRefundIdempotencyKey(purchase.organizationId, request.idempotencyKey),
    );
    expect(call?.form).toMatchObject({
      payment_intent: purchase.paymentIntentId,
      reason: 'requested_by_customer',
      'metadata[purchaseId]': purchase.purchaseId,
      'metadata[organizationId]': purchase.organizationId,
      'metadata[revokeAccess]': 'true',
    });
    // No amount: Stripe refunds what is left, whatever our view of it.
    expect(call?.form.amount).toBeUndefined();
    // The note stays with us.
    expect(JSON.stringify(call?.form)).not.toContain('support');

    const [audit] = await issuedAuditsOf(purchase.purchaseId);
    expect(audit).toMatchObject({
      stripeObjectId: answer.refundId,
      stripeEventId: null,
      amountCents: PRICE,
      actorId: STAFF,
      reason: 'requested_by_customer',
      note: 'Buyer wrote to support',
    });
    const [stored] = await requestsOf(purchase.purchaseId);
    expect(audit?.createdAt).toEqual(stored?.createdAt);
    expect(stored).toMatchObject({ status: 'issued', stripeRefundId: answer.refundId });

    // Access is the webhook's business, as for a Dashboard refund.
    expect(await hasAccess(purchase)).toBe(true);
    await deliverAll(eventsSince(before));
    expect(await hasAccess(purchase)).toBe(false);
  });

  it('keeps access after a full refund issued with revokeAccess false, and the buyer cannot buy it again', async () => {
    const purchase = await paidPurchase();
    const before = world().stub.events.length;
    const answer = await world()
      .refunds()
      .issueRefund(requestFor(purchase, { revokeAccess: false, reason: 'other' }));
    expect(answer.revokeAccess).toBe(false);
    expect(refundCalls().slice(-1)[0]?.form).toMatchObject({ 'metadata[revokeAccess]': 'false' });
    expect(refundCalls().slice(-1)[0]?.form.reason).toBeUndefined();

    await deliverAll(eventsSince(before));

    const [row] = await world()
      .db.select()
      .from(contentPurchases)
      .where(eq(contentPurchases.id, purchase.purchaseId));
    expect(row).toMatchObject({ amountRefundedCents: PRICE, refundKeepsAccess: true });
    expect(row?.refundedAt).not.toBeNull();
    expect(await hasAccess(purchase)).toBe(true);
    // The buyer's history says the money went back, and that the item still plays.
    expect(
      await world().buyer().getPurchase(purchase.customerId, purchase.purchaseId),
    ).toMatchObject({ status: 'refunded', hasAccess: true });
    const library = await world().buyer().listLibrary(purchase.customerId);
    expect(library.items.map((item) => item.contentId)).toContain(purchase.contentId);
    expect(
      await codeOf(
        world().checkout().createCheckoutSession(purchase.customerId, purchase.contentId),
      ),
    ).toBe('ALREADY_PURCHASED');
  });

  it('a later refund issued to revoke ends the access an earlier kept one left', async () => {
    const purchase = await paidPurchase();
    const before = world().stub.events.length;
    await world()
      .refunds()
      .issueRefund(requestFor(purchase, { amountCents: 400, revokeAccess: false }));
    await world()
      .refunds()
      .issueRefund(requestFor(purchase, { amountCents: 600 }));
    await deliverAll(eventsSince(before));
    expect(await hasAccess(purchase)).toBe(false);
  });

  it('answers a repeated key with the first refund, without asking Stripe again', async () => {
    const purchase = await paidPurchase();
    const request = requestFor(purchase, { amountCents: 300 });
    const first = await world().refunds().issueRefund(request);
    const callsBefore = refundCalls().length;

    const again = await world().refunds().issueRefund(request);

    expect(again).toEqual({ ...first, replayed: true });
    expect(refundCalls()).toHaveLength(callsBefore);
  });

  it('makes one Stripe refund when 8 requests with one key race', async () => {
    const purchase = await paidPurchase();
    const request = requestFor(purchase, { amountCents: 250 });

    const answers = await Promise.all(
      Array.from({ length: 8 }, () => world().refunds().issueRefund(request)),
    );

    expect(new Set(answers.map((answer) => answer.refundId)).size).toBe(1);
    const refunds = await world()
      .stripe()
      .refunds.list({ payment_intent: purchase.paymentIntentId });
    expect(refunds.data).toHaveLength(1);
    const stored = await requestsOf(purchase.purchaseId);
    expect(stored).toHaveLength(1);
  });

  it('refuses a key reused for a different request, whatever differs', async () => {
    const purchase = await paidPurchase();
    const other = await paidPurchase();
    const request = requestFor(purchase, { amountCents: 100 });
    await world().refunds().issueRefund(request);

    for (const changed of [
      { amountCents: 200 },
      { amountCents: undefined },
      { reason: 'duplicate' as const },
      { note: 'changed' },
      { revokeAccess: false },
      // Another purchase: the key is the organization's, whichever purchase it names.
      { purchaseId: other.purchaseId },
    ]) {
      expect(
        await codeOf(
          world()
            .refunds()
            .issueRefund({ ...request, ...changed }),
        ),
        JSON.stringify(changed),
      ).toBe('IDEMPOTENCY_KEY_REUSED');
    }
    // The same key in another organization is another request.
    const elsewhere = await world()
      .refunds()
      .issueRefund(requestFor(other, { idempotencyKey: request.idempotencyKey }));
    expect(elsewhere.purchaseId).toBe(other.purchaseId);
  });

  it('refuses, without writing or asking Stripe: another organization’s purchase, pending, failed, disputed, lost, more than is left', async () => {
    const paid = await paidPurchase();
    const other = await paidPurchase();
    const { contentId, customerId, organizationId } = await world().newItem(PRICE);
    const pending = await world().checkout().createCheckoutSession(customerId, contentId);
    if (pending.status !== 'checkout_created') throw new Error('no checkout');
    const failedItem = await world().newItem(PRICE);
    const failed = await world()
      .checkout()
      .createCheckoutSession(failedItem.customerId, failedItem.contentId);
    if (failed.status !== 'checkout_created') throw new Error('no checkout');
    await deliverAll([
      ...world().stub.payCheckoutSession(failed.sessionId, { method: 'delayed' }),
      ...world().stub.settleDelayedPayment(failed.sessionId, 'failed'),
    ]);
    const disputed = await paidPurchase();
    await deliverAll(world().stub.openDispute(disputed.paymentIntentId).events);
    const lost = await paidPurchase();
    const { dispute, events } = world().stub.openDispute(lost.paymentIntentId);
    await deliverAll([...events, ...world().stub.updateDispute(dispute.id, 'lost')]);
    const partly = await paidPurchase();
    const partRefund = world().stub.createRefund(partly.paymentIntentId, { amount: 700 });
    await deliverAll(partRefund.events);
    const callsBefore = refundCalls().length;
    const requestsBefore = await countRequests();

    const cases: Array<[string, RefundRequestInput]> = [
      [
        'NOT_FOUND',
        requestFor({ organizationId: paid.organizationId, purchaseId: other.purchaseId }),
      ],
      [
        'NOT_FOUND',
        requestFor({ organizationId: paid.organizationId, purchaseId: crypto.randomUUID() }),
      ],
      ['PURCHASE_NOT_COMPLETED', requestFor({ organizationId, purchaseId: pending.purchaseId })],
      [
        'PURCHASE_NOT_COMPLETED',
        requestFor({ organizationId: failedItem.organizationId, purchaseId: failed.purchaseId }),
      ],
      ['PURCHASE_DISPUTED', requestFor(disputed)],
      ['PURCHASE_DISPUTED', requestFor(lost)],
      ['REFUND_EXCEEDS_REMAINING', requestFor(partly, { amountCents: 301 })],
      ['REFUND_EXCEEDS_REMAINING', requestFor(paid, { amountCents: PRICE + 1 })],
    ];
    for (const [code, request] of cases) {
      expect(await codeOf(world().refunds().issueRefund(request)), code).toBe(code);
    }
    expect(refundCalls()).toHaveLength(callsBefore);
    expect(await countRequests()).toBe(requestsBefore);

    // What is left can still be refunded.
    const rest = await world()
      .refunds()
      .issueRefund(requestFor(partly, { amountCents: 300 }));
    expect(rest.amountCents).toBe(300);
  });

  it('records Stripe’s own refusal (a Dashboard refund got there first) and answers it again for the same key', async () => {
    const purchase = await paidPurchase();
    // Refunded in full at Stripe; its webhooks have not arrived, so our view says 1,000 is left.
    world().stub.createRefund(purchase.paymentIntentId);
    const request = requestFor(purchase);

    expect(await codeOf(world().refunds().issueRefund(request))).toBe('REFUND_EXCEEDS_REMAINING');
    const callsBefore = refundCalls().length;
    expect(await codeOf(world().refunds().issueRefund(request))).toBe('REFUND_EXCEEDS_REMAINING');
    expect(refundCalls()).toHaveLength(callsBefore);
    const [stored] = await requestsOf(purchase.purchaseId);
    expect(stored).toMatchObject({ status: 'refused', refusalCode: 'REFUND_EXCEEDS_REMAINING' });
  });

  it('after a Stripe failure the request waits, and a retry with the same key makes exactly one refund', async () => {
    const purchase = await paidPurchase();
    const request = requestFor(purchase);
    const remove = world().stub.addRule({
      match: { method: 'POST', path: '/v1/refunds' },
      respond: { status: 500 },
    });
    expect(await codeOf(world().refunds().issueRefund(request))).toBe('PAYMENT_PROVIDER_ERROR');
    remove();
    const [waiting] = await requestsOf(purchase.purchaseId);
    expect(waiting?.status).toBe('requested');

    const answer = await world().refunds().issueRefund(request);
    expect(answer.amountCents).toBe(PRICE);
    const payment = world()
      .stub.listPayments()
      .find((candidate) => candidate.paymentIntent?.id === purchase.paymentIntentId);
    expect(payment?.refunds.map((refund) => refund.id)).toEqual([answer.refundId]);
  });

  it('records any other invalid-request answer of Stripe as final, and answers it again without asking', async () => {
    const purchase = await paidPurchase();
    const request = requestFor(purchase);
    const remove = world().stub.addRule({
      match: { method: 'POST', path: '/v1/refunds' },
      respond: {
        status: 400,
        body: {
          error: {
            type: 'invalid_request_error',
            code: 'charge_not_refundable',
            message: 'This charge cannot be refunded.',
          },
        },
      },
    });
    try {
      expect(await codeOf(world().refunds().issueRefund(request))).toBe(
        'REFUND_REFUSED_BY_PROVIDER',
      );
      const callsBefore = refundCalls().length;
      expect(await codeOf(world().refunds().issueRefund(request))).toBe(
        'REFUND_REFUSED_BY_PROVIDER',
      );
      expect(refundCalls()).toHaveLength(callsBefore);
    } finally {
      remove();
    }
    const [stored] = await requestsOf(purchase.purchaseId);
    expect(stored).toMatchObject({ status: 'refused', refusalCode: 'REFUND_REFUSED_BY_PROVIDER' });
  });

  it('a retry older than Stripe’s key window finds the refund Stripe already made instead of making another', async () => {
    const purchase = await paidPurchase();
    const request = requestFor(purchase, { revokeAccess: false });
    // The first attempt, a day ago, reached Stripe but its answer was lost: the request stayed
    // `requested` and Stripe holds the refund, its metadata naming the request.
    const [recorded] = await world()
      .db.insert(refundRequests)
      .values({
        organizationId: purchase.organizationId,
        idempotencyKey: request.idempotencyKey,
        purchaseId: purchase.purchaseId,
        requestedBy: STAFF,
        reason: request.reason,
        revokeAccess: false,
        createdAt: new Date(Date.now() - 25 * 60 * 60 * 1000),
      })
      .returning();
    if (!recorded) throw new Error('no request');
    const made = await world()
      .stripe()
      .refunds.create({
        payment_intent: purchase.paymentIntentId,
        metadata: { refundRequestId: recorded.id, revokeAccess: 'false' },
      });
    const callsBefore = refundCalls().length;

    // A day later Stripe may have forgotten the key: the retry finds the refund by its metadata.
    const answer = await world().refunds().issueRefund(request);

    expect(answer).toMatchObject({ refundId: made.id, amountCents: PRICE, replayed: false });
    expect(refundCalls()).toHaveLength(callsBefore);
    const refunds = await world()
      .stripe()
      .refunds.list({ payment_intent: purchase.paymentIntentId });
    expect(refunds.data.map((refund) => refund.id)).toEqual([made.id]);
    const [stored] = await requestsOf(purchase.purchaseId);
    expect(stored).toMatchObject({ status: 'issued', stripeRefundId: made.id });
  });

  it('the refund’s webhook records the request when the request’s own write was lost', async () => {
    const purchase = await paidPurchase();
    const [request] = await world()
      .db.insert(refundRequests)
      .values({
        organizationId: purchase.organizationId,
        idempotencyKey: crypto.randomUUID(),
        purchaseId: purchase.purchaseId,
        requestedBy: STAFF,
        reason: 'fraudulent',
        revokeAccess: false,
      })
      .returning();
    if (!request) throw new Error('no request');
    // Stripe made the refund; the worker stopped before recording it.
    const before = world().stub.events.length;
    const refund = await world()
      .stripe()
      .refunds.create({
        payment_intent: purchase.paymentIntentId,
        metadata: { refundRequestId: request.id, revokeAccess: 'false' },
      });

    await deliverAll(eventsSince(before));
    await deliverAll(eventsSince(before));

    const [stored] = await world()
      .db.select()
      .from(refundRequests)
      .where(eq(refundRequests.id, request.id));
    expect(stored).toMatchObject({ status: 'issued', stripeRefundId: refund.id });
    const audits = await issuedAuditsOf(purchase.purchaseId);
    expect(audits).toMatchObject([
      { actorId: STAFF, reason: 'fraudulent', stripeObjectId: refund.id },
    ]);
    expect(await hasAccess(purchase)).toBe(true);
  });

  it('a refund whose snapshots disagree on revokeAccess revokes, in either order', async () => {
    for (const order of [
      ['keeps', 'revokes'],
      ['revokes', 'keeps'],
    ] as const) {
      const purchase = await paidPurchase();
      const before = world().stub.events.length;
      await world()
        .refunds()
        .issueRefund(requestFor(purchase, { revokeAccess: false }));
      const created = eventsSince(before).find((event) => event.type === 'refund.created');
      if (!created) throw new Error('no refund.created');
      // The same refund's snapshot with its metadata edited in the Dashboard (`revokeAccess` gone).
      const snapshot = (id: string, metadata: Record<string, string>) =>
        ({
          ...created,
          id,
          type: 'refund.updated',
          data: { object: { ...(created.data.object as object), metadata } },
        }) as StripeStubEvent;
      const keeps = created;
      const revokes = snapshot(`evt_edited_${crypto.randomUUID().replaceAll('-', '')}`, {});
      await deliverAll(order.map((which) => (which === 'keeps' ? keeps : revokes)));
      expect(await hasAccess(purchase), order.join(' then ')).toBe(false);
    }
  });

  it('refunds a purchase whose dispute was won', async () => {
    const purchase = await paidPurchase();
    const { dispute, events } = world().stub.openDispute(purchase.paymentIntentId);
    await deliverAll([...events, ...world().stub.updateDispute(dispute.id, 'won')]);
    const [row] = await world()
      .db.select({ status: stripeDisputes.status })
      .from(stripeDisputes)
      .where(eq(stripeDisputes.purchaseId, purchase.purchaseId));
    expect(row?.status).toBe('won');
    const answer = await world()
      .refunds()
      .issueRefund(requestFor(purchase, { amountCents: 100 }));
    expect(answer.status).toBe('succeeded');
  });
});

/** The purchase's refund requests. */
function requestsOf(purchaseId: string) {
  return world().db.select().from(refundRequests).where(eq(refundRequests.purchaseId, purchaseId));
}

/** The purchase's `refund_issued` lines in the payment events (who, when, why). */
function issuedAuditsOf(purchaseId: string) {
  return world()
    .db.select()
    .from(paymentEvents)
    .where(and(eq(paymentEvents.purchaseId, purchaseId), eq(paymentEvents.kind, 'refund_issued')));
}

async function countRequests(): Promise<number> {
  const [row] = await world().db.select({ count: sql<number>`count(*)::int` }).from(refundRequests);
  return Number(row?.count ?? 0);
}
