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
