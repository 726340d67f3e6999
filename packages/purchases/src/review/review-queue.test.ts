import {
  contentPurchases,
  emailOutbox,
  eq,
  fulfillmentAnomalies,
  purchaseContacts,
  reviewActions,
} from '@codex/database';
import { describe, expect, it } from 'vitest';
import { isPurchaseError } from '../purchase-error';
import { moneyPurchases } from '../testing/money-purchases';
import { codeOf } from '../testing/refusal-code';
import { TEST_STAFF_OWNER, useTestWorld } from '../testing/test-world';
import type { ReviewActionInput } from './review-action-store';

/** The organization's owner, as the review routes name the caller. */
const staff = (organizationId: string) => ({ organizationId, userId: TEST_STAFF_OWNER });

const world = useTestWorld();
const PRICE = 1_000;
const { deliver, deliverAll, paidPurchase, purchaseRow, anomaliesOf } = moneyPurchases(
  world,
  PRICE,
);

/** The events Stripe emitted since `before`, delivered as the webhook would. */
async function deliverSince(before: number) {
  await deliverAll(world().stub.events.slice(before));
}

/** Gives the purchase a buyer address, so its e-mails are queued. */
async function addContact(purchaseId: string) {
  await world().db.insert(purchaseContacts).values({ purchaseId, email: 'buyer@example.test' });
}

/** {@link paidPurchase} of a buyer with an address: its e-mails are queued. */
async function paidPurchaseWithContact() {
  const { contentId, customerId, organizationId } = await world().newItem(PRICE);
  const checkout = await world().checkout().createCheckoutSession(customerId, contentId);
  if (checkout.status !== 'checkout_created') throw new Error(`unexpected ${checkout.status}`);
  await addContact(checkout.purchaseId);
  await deliverAll(world().stub.payCheckoutSession(checkout.sessionId, { method: 'card' }));
  const paymentIntentId = world().stub.getSession(checkout.sessionId)?.payment_intent;
  if (!paymentIntentId) throw new Error('no payment intent');
  return { ...checkout, contentId, customerId, organizationId, paymentIntentId };
}

/** Succeeded refunds Stripe holds for a payment intent. */
async function refundsAtStripe(paymentIntentId: string) {
  const refunds = await world().stripe().refunds.list({ payment_intent: paymentIntentId });
  return refunds.data.filter((refund) => refund.status === 'succeeded');
}

/**
 * The double payment: A paid, refunded in full, the buyer buys again (B, paid), then A's refund
 * fails. A is flagged `duplicate_payment` and kept revoked; B holds the slot.
 */
async function doublePayment(options: { withContact?: boolean } = {}) {
  const older = options.withContact ? await paidPurchaseWithContact() : await paidPurchase();
  const refund = world().stub.createRefund(older.paymentIntentId, { status: 'pending' });
  await deliverAll(refund.events);
  const newer = await paidPurchase(older);
  await deliverAll(world().stub.updateRefund(refund.refund.id, 'failed'));
  const [flag] = await anomaliesOf(older.purchaseId);
  if (!flag) throw new Error('the double payment was not flagged');
  return { older, newer, flag };
}

function action(
  organizationId: string,
  anomalyId: string,
  fields: Partial<ReviewActionInput> & Pick<ReviewActionInput, 'action'>,
): ReviewActionInput {
  return {
    organizationId,
    anomalyId,
    actorId: TEST_STAFF_OWNER,
    idempotencyKey: crypto.randomUUID(),
    ...fields,
  };
}

describe('the review queue', () => {
  it('lists a double payment with both purchases, the Stripe objects and the suggested remedy', async () => {
    const { older, newer, flag } = await doublePayment();

    const page = await world().review().listQueue(staff(older.organizationId));

    expect(page.items).toHaveLength(1);
    const [item] = page.items;
    expect(item).toMatchObject({
      anomalyId: flag.id,
      kind: 'duplicate_payment',
      stripeObjectId: older.paymentIntentId,
      customerId: older.customerId,
      purchase: { purchaseId: older.purchaseId, status: 'completed', holdsSlot: false },
      otherPurchases: [{ purchaseId: newer.purchaseId, holdsSlot: true }],
      allowedActions: ['refund_payment', 'dismiss'],
      suggestedRemedy: { action: 'refund_payment', targetPurchaseId: newer.purchaseId },
      actions: [],
    });
    expect(item?.stripeRefunds).toEqual([expect.objectContaining({ status: 'failed' })]);
    expect(
      (await world().review().listQueue(staff(older.organizationId), 'resolved')).items,
    ).toEqual([]);
  });

  it('shows an organization only its own flags', async () => {
    const { flag } = await doublePayment();
    const other = await world().newItem(PRICE);

    expect((await world().review().listQueue(staff(other.organizationId))).items).toEqual([]);
    expect(
      await codeOf(
        world()
          .review()
          .resolve(action(other.organizationId, flag.id, { action: 'dismiss', note: 'not ours' })),
      ),
    ).toBe('NOT_FOUND');
  });
});

describe('resolving a double payment by refunding the newer payment', () => {
  it('ends with the buyer holding access through the older one and one refund at Stripe', async () => {
    const { older, newer, flag } = await doublePayment();
    const before = world().stub.events.length;
    const request = action(older.organizationId, flag.id, {
      action: 'refund_payment',
      targetPurchaseId: newer.purchaseId,
      note: 'paid twice',
    });

    const answer = await world().review().resolve(request);
    await deliverSince(before);

    expect(answer).toMatchObject({ action: 'refund_payment', status: 'done', replayed: false });
    expect(await refundsAtStripe(newer.paymentIntentId)).toHaveLength(1);
    expect(await world().access().hasAccess(older.customerId, older.contentId)).toBe(true);
    const olderRow = await purchaseRow(older.purchaseId);
    expect(olderRow.refundedAt).toBeNull();
    expect(olderRow.amountRefundedCents).toBe(0);
    expect((await purchaseRow(newer.purchaseId)).amountRefundedCents).toBe(PRICE);
    const [closed] = await anomaliesOf(older.purchaseId);
    expect(closed).toMatchObject({
      resolution: 'refund_payment',
      resolvedBy: TEST_STAFF_OWNER,
      resolutionNote: 'paid twice',
    });
    expect(closed?.resolvedAt).toBeInstanceOf(Date);
    // The buyer owns it once: no third purchase.
    expect(
      await codeOf(world().checkout().createCheckoutSession(older.customerId, older.contentId)),
    ).toBe('ALREADY_PURCHASED');
    // The same request again: the same answer, no second refund.
    expect(await world().review().resolve(request)).toEqual({ ...answer, replayed: true });
    expect(
      await codeOf(
        world()
          .review()
          .resolve({ ...request, idempotencyKey: 'another-key' }),
      ),
    ).toBe('REVIEW_ITEM_RESOLVED');
    expect(await refundsAtStripe(newer.paymentIntentId)).toHaveLength(1);
  });

  it('gives the slot back when the newer payment is refunded in the Dashboard instead', async () => {
    const { older, newer } = await doublePayment({ withContact: true });

    await deliverAll(world().stub.createRefund(newer.paymentIntentId).events);

    expect(await world().access().hasAccess(older.customerId, older.contentId)).toBe(true);
    expect((await purchaseRow(older.purchaseId)).refundedAt).toBeNull();
    const [settled] = await anomaliesOf(older.purchaseId);
    expect(settled).toMatchObject({ resolution: 'settled', resolvedBy: 'system' });
    const restored = await world()
      .db.select({ kind: emailOutbox.kind })
      .from(emailOutbox)
      .where(eq(emailOutbox.purchaseId, older.purchaseId));
    // Told of the purchase, then that access ended, then that it is theirs again.
    expect(restored.map((email) => email.kind)).toEqual([
      'purchase_confirmation',
      'access_revoked',
      'access_restored',
    ]);
  });

  it('makes one refund when two people resolve the same flag at once', async () => {
    const { older, newer, flag } = await doublePayment();
    const before = world().stub.events.length;
    const refundNewer = (note: string) =>
      world()
        .review()
        .resolve(
          action(older.organizationId, flag.id, {
            action: 'refund_payment',
            targetPurchaseId: newer.purchaseId,
            note,
          }),
        );

    const outcomes = await Promise.allSettled([refundNewer('first'), refundNewer('second')]);
    await deliverSince(before);

    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.find((outcome) => outcome.status === 'rejected');
    expect(
      refused?.status === 'rejected' && isPurchaseError(refused.reason) && refused.reason.code,
    ).toMatch(/^REVIEW_(ITEM_RESOLVED|ACTION_IN_PROGRESS)$/);
    expect(await refundsAtStripe(newer.paymentIntentId)).toHaveLength(1);
    expect(await world().access().hasAccess(older.customerId, older.contentId)).toBe(true);
  });

  it('refuses a target that is not one of the buyer’s paid purchases of the item', async () => {
    const { older, flag } = await doublePayment();
    const stranger = await paidPurchase();

    expect(
      await codeOf(
        world()
          .review()
          .resolve(
            action(older.organizationId, flag.id, {
              action: 'refund_payment',
              targetPurchaseId: stranger.purchaseId,
            }),
          ),
      ),
    ).toBe('REVIEW_ACTION_NOT_ALLOWED');
    expect(
      await codeOf(
        world()
          .review()
          .resolve(action(older.organizationId, flag.id, { action: 'grant_at_charged' })),
      ),
    ).toBe('REVIEW_ACTION_NOT_ALLOWED');
    expect((await anomaliesOf(older.purchaseId))[0]?.resolvedAt).toBeNull();
  });
});

/** A checkout recorded at another price than its session charges: paid, it is an amount_mismatch. */
async function heldForReview(recordedPrice: number) {
  const { contentId, customerId, organizationId } = await world().newItem(PRICE);
  const checkout = await world().checkout().createCheckoutSession(customerId, contentId);
  if (checkout.status !== 'checkout_created') throw new Error(`unexpected ${checkout.status}`);
  await world()
    .db.update(contentPurchases)
    .set({ pricePaidCents: recordedPrice })
    .where(eq(contentPurchases.id, checkout.purchaseId));
  await deliverAll(world().stub.payCheckoutSession(checkout.sessionId, { method: 'card' }));
  const [flag] = await anomaliesOf(checkout.purchaseId);
  if (flag?.kind !== 'amount_mismatch') throw new Error('not held for review');
  const paymentIntentId = world().stub.getSession(checkout.sessionId)?.payment_intent;
  if (!paymentIntentId) throw new Error('no payment intent');
  return { ...checkout, contentId, customerId, organizationId, flag, paymentIntentId };
}

describe('a payment held for review', () => {
  it('granted at the amount charged: completed at the session total, access and a confirmation', async () => {
    const held = await heldForReview(900);
    const [item] = (await world().review().listQueue(staff(held.organizationId))).items;
    expect(item?.suggestedRemedy).toMatchObject({ action: 'grant_at_charged' });
    await addContact(held.purchaseId);

    await world()
      .review()
      .resolve(action(held.organizationId, held.flag.id, { action: 'grant_at_charged' }));

    const row = await purchaseRow(held.purchaseId);
    expect(row).toMatchObject({ status: 'completed', amountTotalCents: PRICE });
    expect(await world().access().hasAccess(held.customerId, held.contentId)).toBe(true);
    const emails = await world()
      .db.select({ kind: emailOutbox.kind })
      .from(emailOutbox)
      .where(eq(emailOutbox.purchaseId, held.purchaseId));
    expect(emails.map((email) => email.kind)).toEqual(['purchase_confirmation']);
  });

  it('refunded and closed: failed once the refund lands, and the buyer may buy again', async () => {
    const held = await heldForReview(1_200);
    const before = world().stub.events.length;

    await world()
      .review()
      .resolve(action(held.organizationId, held.flag.id, { action: 'refund_and_close' }));
    await deliverSince(before);

    expect(await refundsAtStripe(held.paymentIntentId)).toHaveLength(1);
    expect((await purchaseRow(held.purchaseId)).status).toBe('failed');
    const again = await world().checkout().createCheckoutSession(held.customerId, held.contentId);
    expect(again.status).toBe('checkout_created');
  });

  it('dismissed only with a note, kept with who and why, and re-opened when seen again', async () => {
    const held = await heldForReview(1_200);
    const dismiss = (note?: string) =>
      world()
        .review()
        .resolve(action(held.organizationId, held.flag.id, { action: 'dismiss', note }));

    expect(await codeOf(dismiss())).toBe('REVIEW_ACTION_NOT_ALLOWED');
    await dismiss('customer paid by bank transfer instead');

    const [closed] = await world()
      .db.select()
      .from(fulfillmentAnomalies)
      .where(eq(fulfillmentAnomalies.id, held.flag.id));
    expect(closed).toMatchObject({
      resolution: 'dismiss',
      resolutionNote: 'customer paid by bank transfer instead',
    });
    const recorded = await world()
      .db.select()
      .from(reviewActions)
      .where(eq(reviewActions.anomalyId, held.flag.id));
    // The refused dismissal (no note) was turned away before anything was written.
    expect(recorded.map((row) => [row.action, row.status])).toEqual([['dismiss', 'done']]);
    // The same problem seen again (the completion redelivered): back in the queue.
    const completed = world()
      .stub.events.filter((event) => event.type === 'checkout.session.completed')
      .at(-1);
    if (!completed) throw new Error('no completion');
    await deliver({ ...completed, id: `${completed.id}_again` });
    expect((await world().review().listQueue(staff(held.organizationId))).items).toHaveLength(1);
  });
});

describe('a double payment whose newer payment was still being paid', () => {
  it('gives the slot back to the older payment when the newer bank debit fails', async () => {
    const older = await paidPurchase();
    const refund = world().stub.createRefund(older.paymentIntentId, { status: 'pending' });
    await deliverAll(refund.events);
    const newer = await world().checkout().createCheckoutSession(older.customerId, older.contentId);
    if (newer.status !== 'checkout_created') throw new Error(`unexpected ${newer.status}`);
    // A bank debit: the session is complete (being paid) when the older refund fails.
    await deliverAll(world().stub.payCheckoutSession(newer.sessionId, { method: 'delayed' }));
    await deliverAll(world().stub.updateRefund(refund.refund.id, 'failed'));
    expect((await anomaliesOf(older.purchaseId)).map((flag) => flag.kind)).toEqual([
      'duplicate_payment',
    ]);
    expect(await world().access().hasAccess(older.customerId, older.contentId)).toBe(false);

    await deliverAll(world().stub.settleDelayedPayment(newer.sessionId, 'failed'));

    expect((await purchaseRow(newer.purchaseId)).status).toBe('failed');
    expect(await world().access().hasAccess(older.customerId, older.contentId)).toBe(true);
    expect((await anomaliesOf(older.purchaseId))[0]).toMatchObject({ resolution: 'settled' });
  });
});
