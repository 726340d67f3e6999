import { content, eq } from '@codex/database';
import { describe, expect, it } from 'vitest';
import { newAddress, useOutboxWorld } from '../testing/outbox-world';

// What the buyer reads is what was true when the message was written, and every attempt of one
// message sends the same bytes (the provider refuses another body under a used key).
const t = useOutboxWorld({ maxConnections: 20 });

async function completedPurchase(address: string, priceCents = 1_500) {
  const checkout = await t.paidCheckout(priceCents, address);
  for (const event of t.world().stub.payCheckoutSession(checkout.sessionId)) await t.deliver(event);
  const [row] = await t.rowsOf(checkout.purchaseId);
  if (!row) throw new Error('no outbox row');
  return { ...checkout, outboxId: row.id };
}

describe('one message, one body', () => {
  it('a title changed between an accepted-then-timed-out attempt and its retry: the retry sends the same bytes and is sent', async () => {
    const address = newAddress();
    const { outboxId, contentId } = await completedPurchase(address);
    t.resend().addRule({ status: 'accept_then_hang', idempotencyKey: outboxId });
    const outbox = t.outbox({ timeoutMs: 300 });
    expect(await outbox.deliverOutboxMessage(outboxId)).toMatchObject({ code: 'timeout' });
    const [accepted] = t.inbox(address);
    await t
      .world()
      .db.update(content)
      .set({ title: 'A title the creator changed later' })
      .where(eq(content.id, contentId));
    t.advance(31_000);
    const retry = await outbox.deliverOutboxMessage(outboxId);
    expect(retry).toEqual({ status: 'sent', providerMessageId: accepted?.id, attempts: 2 });
    const bodies = t
      .resend()
      .requests()
      .filter((request) => request.idempotencyKey === outboxId);
    expect(bodies).toHaveLength(2);
    expect(bodies[1]?.body).toEqual(bodies[0]?.body);
  });
});

describe('after a provider outage', () => {
  it('a message dead after 8 failed attempts is revived an hour later by the cron and sent once', async () => {
    const address = newAddress();
    const { outboxId, purchaseId } = await completedPurchase(address);
    t.resend().addRule({ status: 503, times: 8, idempotencyKey: outboxId });
    const outbox = t.outbox();
    let outcome = await outbox.deliverOutboxMessage(outboxId);
    while (outcome.status === 'retry_scheduled') {
      t.advance(60 * 60_000);
      outcome = await outbox.deliverOutboxMessage(outboxId);
    }
    expect(outcome).toMatchObject({ status: 'dead', attempts: 8 });
    expect(await outbox.reviveOutageDeadMessages()).not.toContain(outboxId); // too soon
    t.advance(61 * 60_000);
    expect(await outbox.reviveOutageDeadMessages()).toContain(outboxId);
    expect(await outbox.deliverOutboxMessage(outboxId)).toMatchObject({
      status: 'sent',
      attempts: 1,
    });
    expect(t.inbox(address)).toHaveLength(1);
    const [row] = await t.rowsOf(purchaseId);
    expect(row).toMatchObject({ status: 'sent', revivals: 1 });
  });
});

function paymentIntentOf(sessionId: string): string {
  const id = t.world().stub.getSession(sessionId)?.payment_intent;
  if (!id) throw new Error('no payment intent');
  return id;
}

/** The subjects the buyer received, in the order the stand-in accepted them, without the title. */
function subjectsOf(address: string): string[] {
  return t.inbox(address).map((message) => message.subject.split(':')[0] ?? '');
}

describe('no "purchase complete" while access is withheld', () => {
  it('a completion that lands while a dispute is open sends nothing; the dispute won then sends the confirmation, once', async () => {
    const address = newAddress();
    const checkout = await t.paidCheckout(1_500, address);
    const stripe = t.world().stub;
    const paid = stripe.payCheckoutSession(checkout.sessionId);
    const { dispute, events: opened } = stripe.openDispute(paymentIntentOf(checkout.sessionId));
    for (const event of [...opened, ...paid]) await t.deliver(event);
    await t.drain();
    expect(subjectsOf(address)).toEqual([]);
    for (const event of stripe.updateDispute(dispute.id, 'won')) {
      await t.deliver(event);
      await t.deliver(event);
    }
    await t.drain();
    expect(subjectsOf(address)).toEqual(['Your purchase']);
  });

  it('a completion while a dispute is open that is then lost: no e-mail at all', async () => {
    const address = newAddress();
    const checkout = await t.paidCheckout(1_500, address);
    const stripe = t.world().stub;
    const paid = stripe.payCheckoutSession(checkout.sessionId);
    const { dispute, events: opened } = stripe.openDispute(paymentIntentOf(checkout.sessionId));
    for (const event of [...opened, ...paid]) await t.deliver(event);
    for (const event of stripe.updateDispute(dispute.id, 'lost')) await t.deliver(event);
    await t.drain();
    expect(subjectsOf(address)).toEqual([]);
  });

  it('a completion before the dispute: confirmed; the dispute opened and won sends nothing more', async () => {
    const address = newAddress();
    const checkout = await t.paidCheckout(1_500, address);
    const stripe = t.world().stub;
    for (const event of stripe.payCheckoutSession(checkout.sessionId)) await t.deliver(event);
    const { dispute, events: opened } = stripe.openDispute(paymentIntentOf(checkout.sessionId));
    for (const event of opened) await t.deliver(event);
    for (const event of stripe.updateDispute(dispute.id, 'won')) await t.deliver(event);
    await t.drain();
    expect(subjectsOf(address)).toEqual(['Your purchase']);
  });

  it('a full refund that arrived before the completion and then failed: the confirmation comes when access does', async () => {
    const address = newAddress();
    const checkout = await t.paidCheckout(1_500, address);
    const stripe = t.world().stub;
    const paid = stripe.payCheckoutSession(checkout.sessionId);
    const refund = stripe.createRefund(paymentIntentOf(checkout.sessionId));
    for (const event of [...refund.events, ...paid]) await t.deliver(event);
    await t.drain();
    expect(subjectsOf(address)).toEqual([]);
    for (const event of stripe.updateRefund(refund.refund.id, 'failed')) await t.deliver(event);
    await t.drain();
    expect(subjectsOf(address)).toEqual(['Your purchase']);
  });
});

describe('"access restored"', () => {
  it('a full refund that ended access fails: the buyer told "access ended" is told "access restored", once', async () => {
    const address = newAddress();
    const checkout = await t.paidCheckout(2_000, address);
    const stripe = t.world().stub;
    for (const event of stripe.payCheckoutSession(checkout.sessionId)) await t.deliver(event);
    await t.drain();
    const refund = stripe.createRefund(paymentIntentOf(checkout.sessionId));
    for (const event of refund.events) await t.deliver(event);
    await t.drain();
    const failed = stripe.updateRefund(refund.refund.id, 'failed');
    for (const event of [...failed, ...failed, ...refund.events]) await t.deliver(event);
    await t.drain();
    expect(subjectsOf(address)).toEqual([
      'Your purchase',
      'Refund',
      'Access ended',
      'Access restored',
    ]);
    const restored = (await t.rowsOf(checkout.purchaseId)).filter(
      (row) => row.kind === 'access_restored',
    );
    expect(restored.map((row) => row.dedupeKey)).toEqual([
      `access_restored:${checkout.purchaseId}:1`,
    ]);
  });
});

describe('"access restored" after a dispute', () => {
  it('access ended by a refund, a dispute opened; the refund fails, then the dispute is won: restored once, when access is back', async () => {
    const address = newAddress();
    const checkout = await t.paidCheckout(2_000, address);
    const stripe = t.world().stub;
    for (const event of stripe.payCheckoutSession(checkout.sessionId)) await t.deliver(event);
    await t.drain();
    const refund = stripe.createRefund(paymentIntentOf(checkout.sessionId));
    for (const event of refund.events) await t.deliver(event);
    const { dispute, events: opened } = stripe.openDispute(paymentIntentOf(checkout.sessionId));
    for (const event of opened) await t.deliver(event);
    for (const event of stripe.updateRefund(refund.refund.id, 'failed')) await t.deliver(event);
    await t.drain();
    expect(subjectsOf(address)).toEqual(['Your purchase', 'Refund', 'Access ended']); // suspended
    const won = stripe.updateDispute(dispute.id, 'won');
    for (const event of [...won, ...won]) await t.deliver(event);
    await t.drain();
    expect(subjectsOf(address)).toEqual([
      'Your purchase',
      'Refund',
      'Access ended',
      'Access restored',
    ]);
  });
});
