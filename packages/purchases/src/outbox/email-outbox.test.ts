import { contentPurchases, emailOutbox, eq, purchaseContacts, sql } from '@codex/database';
import { redactionMarkers } from '@codex/observability';
import { describe, expect, it } from 'vitest';
import { newAddress, useOutboxWorld } from '../testing/outbox-world';
import type { EmailOutbox } from './email-outbox';
import { enqueueAccessRevokedEmail, enqueueConfirmationEmail } from './enqueue-emails';

// Exactly one e-mail per event, against a real Postgres, the production driver (SQL over HTTP for
// the hot statements and the outbox) and a Resend stand-in at the provider's HTTP edge.
const t = useOutboxWorld({ maxConnections: 30 });

/** A paid, completed purchase whose buyer gave `address`; its outbox row id. */
async function completedPurchase(address: string, priceCents = 1_500) {
  const checkout = await t.paidCheckout(priceCents, address);
  for (const event of t.world().stub.payCheckoutSession(checkout.sessionId)) await t.deliver(event);
  const [row] = await t.rowsOf(checkout.purchaseId);
  if (!row) throw new Error('no outbox row');
  return { ...checkout, outboxId: row.id };
}

/** Neither delivered nor listed as due before `waitMs` has passed; sent (second attempt) after. */
async function expectSentOnlyAfter(outbox: EmailOutbox, outboxId: string, waitMs: number) {
  expect(await outbox.deliverOutboxMessage(outboxId)).toMatchObject({ status: 'skipped' });
  expect(await outbox.findDueOutboxMessages(1_000)).not.toContain(outboxId);
  t.advance(waitMs);
  expect(await outbox.findDueOutboxMessages(1_000)).toContain(outboxId);
  expect(await outbox.deliverOutboxMessage(outboxId)).toMatchObject({
    status: 'sent',
    attempts: 2,
  });
}

function paymentIntentOf(sessionId: string): string {
  const id = t.world().stub.getSession(sessionId)?.payment_intent;
  if (!id) throw new Error('no payment intent');
  return id;
}

describe('the outbox row is written with the state change', () => {
  it('stores the address at checkout and gives it to Stripe as customer_email', async () => {
    const address = newAddress();
    const checkout = await t.paidCheckout(900, address);
    const [contact] = await t
      .world()
      .db.select()
      .from(purchaseContacts)
      .where(eq(purchaseContacts.purchaseId, checkout.purchaseId));
    expect(contact?.email).toBe(address);
    expect(t.world().stub.getSession(checkout.sessionId)?.customer_email).toBe(address);
    expect(await t.rowsOf(checkout.purchaseId)).toEqual([]); // pending: nothing to tell yet
  });

  it('no email claim: no contact, and no outbox row when the purchase completes', async () => {
    const checkout = await t.paidCheckout(900);
    for (const event of t.world().stub.payCheckoutSession(checkout.sessionId)) {
      await t.deliver(event);
    }
    expect(await t.rowsOf(checkout.purchaseId)).toEqual([]);
    expect(t.world().stub.getSession(checkout.sessionId)?.customer_email ?? null).toBeNull();
  });

  it('duplicate webhook deliveries (in parallel and again later): one row, one e-mail', async () => {
    const address = newAddress();
    const checkout = await t.paidCheckout(1_999, address);
    const events = t.world().stub.payCheckoutSession(checkout.sessionId);
    await Promise.all(events.flatMap((event) => Array.from({ length: 8 }, () => t.deliver(event))));
    for (const event of events) await t.deliver(event);
    const rows = await t.rowsOf(checkout.purchaseId);
    expect(rows).toMatchObject([
      { kind: 'purchase_confirmation', dedupeKey: `purchase_confirmation:${checkout.purchaseId}` },
    ]);
    await t.drain();
    const inbox = t.inbox(address);
    expect(inbox).toHaveLength(1);
    expect(inbox[0]?.subject).toMatch(/^Your purchase: /);
    expect(inbox[0]?.text).toContain('$19.99');
  });

  it('the success page and the webhook completing at the same moment: one e-mail per purchase', async () => {
    const buyers = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const address = newAddress();
        return { address, ...(await t.paidCheckout(1_000, address)) };
      }),
    );
    await Promise.all(
      buyers.flatMap((buyer) => {
        const [completed] = t.world().stub.payCheckoutSession(buyer.sessionId);
        if (!completed) throw new Error('no completion event');
        return [
          t.deliver(completed),
          t.fulfillment().confirmCheckoutSession(buyer.customerId, buyer.sessionId),
          t.deliver(completed),
        ];
      }),
    );
    await t.drain();
    for (const buyer of buyers) {
      expect(await t.rowsOf(buyer.purchaseId)).toHaveLength(1);
      expect(t.inbox(buyer.address)).toHaveLength(1);
    }
  });

  it('the careful path (a purchase never linked to its session) writes the row in its transaction', async () => {
    const address = newAddress();
    const checkout = await t.paidCheckout(1_000, address);
    // As if the checkout request died between Stripe's answer and the link: the one statement
    // cannot match it, the careful path finds it by client_reference_id.
    await t
      .world()
      .db.update(contentPurchases)
      .set({ stripeCheckoutSessionId: null })
      .where(eq(contentPurchases.id, checkout.purchaseId));
    const [completed] = t.world().stub.payCheckoutSession(checkout.sessionId);
    if (!completed) throw new Error('no completion event');
    expect(await t.deliver(completed)).toMatchObject({ result: { status: 'completed' } });
    expect(await t.rowsOf(checkout.purchaseId)).toMatchObject([{ kind: 'purchase_confirmation' }]);
  });

  it('the success page alone (outside any webhook transaction) writes the row too', async () => {
    const address = newAddress();
    const checkout = await t.paidCheckout(1_000, address);
    t.world().stub.payCheckoutSession(checkout.sessionId);
    await t.fulfillment().confirmCheckoutSession(checkout.customerId, checkout.sessionId);
    expect(await t.rowsOf(checkout.purchaseId)).toMatchObject([{ kind: 'purchase_confirmation' }]);
  });

  it('a free item is confirmed from the checkout statement itself', async () => {
    const address = newAddress();
    const { contentId, customerId } = await t.world().newItem(0);
    const free = await t.checkout().createCheckoutSession(customerId, contentId, {
      customerEmail: address,
    });
    if (free.status !== 'free_access_granted') throw new Error(free.status);
    await t.drain();
    expect(t.inbox(address)).toMatchObject([{ text: expect.stringContaining('Price: free') }]);
  });
});

describe('the dedupe key', () => {
  it('is a database guarantee: 20 concurrent writers of one confirmation make one row', async () => {
    const { purchaseId } = await completedPurchase(newAddress());
    // Start from no row, so the writers race for the first insert.
    await t.world().db.delete(emailOutbox).where(eq(emailOutbox.purchaseId, purchaseId));
    const now = new Date();
    await Promise.all(
      Array.from({ length: 20 }, () =>
        t.world().db.transaction((tx) => enqueueConfirmationEmail(tx, purchaseId, now)),
      ),
    );
    expect(await t.rowsOf(purchaseId)).toHaveLength(1);
  });

  it('numbers revocations per purchase, and a writer without a contact writes nothing', async () => {
    const { purchaseId } = await completedPurchase(newAddress());
    await enqueueAccessRevokedEmail(t.world().db, purchaseId, new Date());
    await enqueueAccessRevokedEmail(t.world().db, purchaseId, new Date());
    const keys = (await t.rowsOf(purchaseId)).map((row) => row.dedupeKey).sort();
    expect(keys).toEqual([
      `access_revoked:${purchaseId}:1`,
      `access_revoked:${purchaseId}:2`,
      `purchase_confirmation:${purchaseId}`,
    ]);
    const anonymous = await t.paidCheckout(700);
    await enqueueAccessRevokedEmail(t.world().db, anonymous.purchaseId, new Date());
    expect(await t.rowsOf(anonymous.purchaseId)).toEqual([]);
  });
});

describe('deliverOutboxMessage', () => {
  it('the same id delivered many times at once (queue redelivery): one send, one e-mail', async () => {
    const address = newAddress();
    const { outboxId } = await completedPurchase(address);
    const outbox = t.outbox();
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () => outbox.deliverOutboxMessage(outboxId)),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'sent')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.status === 'skipped')).toHaveLength(9);
    expect(await outbox.deliverOutboxMessage(outboxId)).toEqual({
      status: 'skipped',
      reason: 'not_claimable',
    });
    expect(t.inbox(address)).toHaveLength(1);
    const [row] = await t.world().db.select().from(emailOutbox).where(eq(emailOutbox.id, outboxId));
    expect(row).toMatchObject({ status: 'sent', attempts: 1, lockedUntil: null });
    expect(row?.providerMessageId).toBe(t.inbox(address)[0]?.id);
  });

  it('states what the buyer paid (after a discount), not the list price', async () => {
    const address = newAddress();
    const { outboxId, purchaseId } = await completedPurchase(address, 1_500);
    // As a 50 %-off completion records it (packages/purchases, checkout options).
    await t
      .world()
      .db.update(contentPurchases)
      .set({ amountDiscountCents: 750, amountTotalCents: 750 })
      .where(eq(contentPurchases.id, purchaseId));
    expect(await t.outbox().deliverOutboxMessage(outboxId)).toMatchObject({ status: 'sent' });
    const [message] = t.inbox(address);
    expect(message?.text).toContain('$7.50');
    expect(message?.text).not.toContain('$15.00');
  });

  it('a provider that accepts, then times out: the retry uses the same key, one e-mail', async () => {
    const address = newAddress();
    const { outboxId } = await completedPurchase(address);
    t.resend().addRule({ status: 'accept_then_hang' });
    const outbox = t.outbox({ timeoutMs: 300 });
    const first = await outbox.deliverOutboxMessage(outboxId);
    expect(first).toMatchObject({ status: 'retry_scheduled', code: 'timeout', attempts: 1 });
    expect(t.inbox(address)).toHaveLength(1); // accepted: the buyer has it already
    t.advance(31_000);
    const retry = await outbox.deliverOutboxMessage(outboxId);
    expect(retry).toEqual({
      status: 'sent',
      providerMessageId: t.inbox(address)[0]?.id,
      attempts: 2,
    });
    expect(t.inbox(address)).toHaveLength(1);
  });

  it('a 500, then success: retried after the backoff, not before', async () => {
    const address = newAddress();
    const { outboxId } = await completedPurchase(address);
    t.resend().addRule({ status: 500 });
    const outbox = t.outbox();
    const before = t.now().getTime();
    const failed = await outbox.deliverOutboxMessage(outboxId);
    if (failed.status !== 'retry_scheduled') throw new Error(failed.status);
    // Base 30 s at the first failure.
    expect(failed.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(before + 30_000);
    await expectSentOnlyAfter(outbox, outboxId, 31_000);
    expect(t.inbox(address)).toHaveLength(1);
  });

  it('a permanent failure (422) is dead at once, listed, never retried, logged without the address', async () => {
    const address = newAddress();
    const { outboxId, purchaseId } = await completedPurchase(address);
    t.resend().addRule({ status: 422 });
    const outbox = t.outbox();
    expect(await outbox.deliverOutboxMessage(outboxId)).toEqual({
      status: 'dead',
      code: 'http_422:validation_error',
      attempts: 1,
    });
    t.advance(3 * 60 * 60_000);
    expect(await outbox.findDueOutboxMessages(1_000)).not.toContain(outboxId);
    expect(await outbox.deliverOutboxMessage(outboxId)).toMatchObject({ status: 'skipped' });
    expect(await outbox.listDeadOutboxMessages()).toContainEqual({
      id: outboxId,
      purchaseId,
      kind: 'purchase_confirmation',
      attempts: 1,
      lastError: 'http_422:validation_error',
      deadAt: expect.any(Date),
    });
    const deadLine = t.logLines.find(
      (line) => line.includes('email dead-lettered') && line.includes(outboxId),
    );
    expect(deadLine).toContain('"level":"error"');
    expect(t.inbox(address)).toHaveLength(0);
  });

  it('retryable failures until the last attempt: dead, visible', async () => {
    const address = newAddress();
    const { outboxId } = await completedPurchase(address);
    t.resend().addRule({ status: 429, times: 3 });
    const outbox = t.outbox({ maxAttempts: 3 });
    const outcomes = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      outcomes.push(await outbox.deliverOutboxMessage(outboxId));
      t.advance(5 * 60_000);
    }
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'retry_scheduled',
      'retry_scheduled',
      'dead',
    ]);
    expect((await outbox.listDeadOutboxMessages()).map((dead) => dead.id)).toContain(outboxId);
    expect(await outbox.findDueOutboxMessages(1_000)).not.toContain(outboxId);
    expect(t.inbox(address)).toHaveLength(0);
  });

  it('a consumer that died mid-send: its lease expires and the cron finds the row again', async () => {
    const address = newAddress();
    const { outboxId } = await completedPurchase(address);
    // As a consumer leaves it after claiming and dying before it could mark anything.
    const leaseEnd = new Date(t.now().getTime() + 60_000);
    await t
      .world()
      .db.update(emailOutbox)
      .set({ status: 'sending', attempts: 1, lockedUntil: leaseEnd })
      .where(eq(emailOutbox.id, outboxId));
    await expectSentOnlyAfter(t.outbox(), outboxId, 61_000);
    expect(t.inbox(address)).toHaveLength(1);
  });

  it('a queue message that names no row is skipped, not an error', async () => {
    const outbox = t.outbox();
    expect(await outbox.deliverOutboxMessage('not-a-uuid')).toMatchObject({ status: 'skipped' });
    expect(await outbox.deliverOutboxMessage(crypto.randomUUID())).toMatchObject({
      status: 'skipped',
    });
  });

  it('a row committed but never queued is found by the cron', async () => {
    const address = newAddress();
    const { outboxId } = await completedPurchase(address);
    expect(await t.outbox().findDueOutboxMessages(1_000)).toContain(outboxId);
  });

  it('the cron scan reads the partial indexes, not the table', async () => {
    await t.world().db.execute(sql`ANALYZE email_outbox`);
    await t.world().db.execute(sql`SET enable_seqscan = off`);
    const plan = await t.world().db.execute(sql`EXPLAIN
      SELECT id FROM email_outbox WHERE status = 'pending' AND next_attempt_at <= now()
      ORDER BY next_attempt_at LIMIT 10`);
    expect(JSON.stringify(plan.rows)).toContain('email_outbox_pending_due_idx');
  });
});

describe('access revoked', () => {
  it('a full refund: one access_revoked e-mail, whatever the duplicates', async () => {
    const address = newAddress();
    const { purchaseId, sessionId } = await completedPurchase(address, 2_000);
    const { refund, events } = t.world().stub.createRefund(paymentIntentOf(sessionId));
    await Promise.all([...events, ...events].map((event) => t.deliver(event)));
    for (const event of events) await t.deliver(event);
    expect((await t.rowsOf(purchaseId)).map((row) => row.dedupeKey).sort()).toEqual([
      `access_revoked:${purchaseId}:1`,
      `purchase_confirmation:${purchaseId}`,
      `refund_receipt:${refund.id}`,
    ]);
    await t.drain();
    expect(t.inbox(address).map((message) => message.subject.split(':')[0])).toEqual([
      'Your purchase',
      'Refund',
      'Access ended',
    ]);
  });

  it('a partial refund: its receipt, no "access ended"', async () => {
    const address = newAddress();
    const { purchaseId, sessionId } = await completedPurchase(address, 2_000);
    const { events } = t.world().stub.createRefund(paymentIntentOf(sessionId), { amount: 500 });
    for (const event of events) await t.deliver(event);
    expect((await t.rowsOf(purchaseId)).map((row) => row.kind)).toEqual([
      'purchase_confirmation',
      'refund_receipt',
    ]);
  });

  it('a refund that fails gives access back; a later full refund is a new event, a second e-mail', async () => {
    const address = newAddress();
    const { purchaseId, sessionId } = await completedPurchase(address, 2_000);
    const stripe = t.world().stub;
    const first = stripe.createRefund(paymentIntentOf(sessionId));
    for (const event of first.events) await t.deliver(event);
    for (const event of stripe.updateRefund(first.refund.id, 'failed')) await t.deliver(event);
    expect(
      await t
        .world()
        .access()
        .hasAccess(...(await buyerOf(purchaseId))),
    ).toBe(true);
    const second = stripe.createRefund(paymentIntentOf(sessionId));
    for (const event of second.events) await t.deliver(event);
    for (const event of [...first.events, ...second.events]) await t.deliver(event); // late copies
    const revoked = (await t.rowsOf(purchaseId)).filter((row) => row.kind === 'access_revoked');
    expect(revoked.map((row) => row.dedupeKey).sort()).toEqual([
      `access_revoked:${purchaseId}:1`,
      `access_revoked:${purchaseId}:2`,
    ]);
    await t.drain();
    expect(t.inbox(address).filter((m) => m.subject.startsWith('Access ended'))).toHaveLength(2);
  });

  it('a lost dispute: one e-mail saying the bank reversed the payment', async () => {
    const address = newAddress();
    const { purchaseId, sessionId } = await completedPurchase(address, 2_000);
    const stripe = t.world().stub;
    const { dispute, events } = stripe.openDispute(paymentIntentOf(sessionId));
    for (const event of events) await t.deliver(event);
    expect(await t.rowsOf(purchaseId)).toHaveLength(1); // open suspends, it does not revoke
    for (const event of stripe.updateDispute(dispute.id, 'lost')) {
      await t.deliver(event);
      await t.deliver(event);
    }
    await t.drain();
    const revoked = t.inbox(address).filter((m) => m.subject.startsWith('Access ended'));
    expect(revoked).toHaveLength(1);
    expect(revoked[0]?.text).toContain('reversed by your bank');
  });

  async function buyerOf(purchaseId: string): Promise<[string, string]> {
    const rows = await t
      .world()
      .db.execute(
        sql`SELECT customer_id, content_id FROM content_purchases WHERE id = ${purchaseId}`,
      );
    const row = rows.rows[0] as { customer_id: string; content_id: string };
    return [row.customer_id, row.content_id];
  }
});

describe('privacy', () => {
  it('no log line of this file contains a buyer address, nor had one to redact', () => {
    expect(t.logLines.length).toBeGreaterThan(10);
    expect(t.logLines.some((line) => line.includes('email dead-lettered'))).toBe(true);
    for (const line of t.logLines) {
      expect(line).not.toMatch(/buyer-[\w-]+@codex\.test/);
      // The logger redacts addresses it meets; none should ever reach it.
      expect(line).not.toContain(redactionMarkers.email);
    }
  });
});
