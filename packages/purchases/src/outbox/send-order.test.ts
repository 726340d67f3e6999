import type { EmailOutboxRow } from '@codex/database';
import { describe, expect, it } from 'vitest';
import { newAddress, useOutboxWorld } from '../testing/outbox-world';
import { findQueueableOutboxMessagesOf } from './find-queueable-outbox-messages';

// A purchase's messages reach the provider in the order they were enqueued, whatever the
// failures in between: "access ended" never before "purchase complete".
const t = useOutboxWorld({ maxConnections: 20 });

function paymentIntentOf(sessionId: string): string {
  const id = t.world().stub.getSession(sessionId)?.payment_intent;
  if (!id) throw new Error('no payment intent');
  return id;
}

function subjectsOf(address: string): string[] {
  return t.inbox(address).map((message) => message.subject.split(':')[0] ?? '');
}

function rowOf(rows: EmailOutboxRow[], kind: EmailOutboxRow['kind']): EmailOutboxRow {
  const row = rows.find((candidate) => candidate.kind === kind);
  if (!row) throw new Error(`no ${kind} row`);
  return row;
}

/** A completed purchase whose confirmation's first send fails with `status`, then refunded in full. */
async function refundedWhileConfirmationFails(status: 503 | 422) {
  const address = newAddress();
  const checkout = await t.paidCheckout(1_500, address);
  const stripe = t.world().stub;
  for (const event of stripe.payCheckoutSession(checkout.sessionId)) await t.deliver(event);
  const confirmation = rowOf(await t.rowsOf(checkout.purchaseId), 'purchase_confirmation');
  t.resend().addRule({ status, idempotencyKey: confirmation.id });
  const outbox = t.outbox();
  const first = await outbox.deliverOutboxMessage(confirmation.id);
  expect(first.status).toBe(status === 503 ? 'retry_scheduled' : 'dead');
  const refund = stripe.createRefund(paymentIntentOf(checkout.sessionId));
  for (const event of refund.events) await t.deliver(event);
  const revocation = rowOf(await t.rowsOf(checkout.purchaseId), 'access_revoked');
  return { address, purchaseId: checkout.purchaseId, confirmation, revocation, outbox };
}

describe('one purchase, messages in enqueue order', () => {
  it('the confirmation backs off after a 503 and the revocation is queued at once: the provider gets the confirmation first', async () => {
    const { address, purchaseId, revocation, outbox } = await refundedWhileConfirmationFails(503);
    // The webhook worker queues what is next in line; the queue may deliver the revocation anyway.
    expect(await findQueueableOutboxMessagesOf(t.world().testDb.http, purchaseId, t.now())).toEqual(
      [],
    );
    expect(await outbox.deliverOutboxMessage(revocation.id)).toEqual({
      status: 'skipped',
      reason: 'not_claimable',
    });
    expect(await outbox.findDueOutboxMessages(1_000)).not.toContain(revocation.id);
    expect(subjectsOf(address)).toEqual([]);
    t.advance(31_000); // the confirmation's backoff
    await t.drain();
    expect(subjectsOf(address)).toEqual(['Your purchase', 'Refund', 'Access ended']);
  });

  it('a confirmation dead for good (422) no longer holds the later messages back', async () => {
    const { address } = await refundedWhileConfirmationFails(422);
    await t.drain();
    expect(subjectsOf(address)).toEqual(['Refund', 'Access ended']);
  });

  it('a confirmation dead after an outage holds the revocation back until the cron revives and sends it', async () => {
    const { address, confirmation, revocation, outbox } = await refundedWhileConfirmationFails(503);
    t.resend().addRule({ status: 503, times: 7, idempotencyKey: confirmation.id });
    let outcome = await outbox.deliverOutboxMessage(confirmation.id);
    while (outcome.status !== 'dead') {
      t.advance(60 * 60_000);
      outcome = await outbox.deliverOutboxMessage(confirmation.id);
    }
    expect(await outbox.deliverOutboxMessage(revocation.id)).toMatchObject({ status: 'skipped' });
    t.advance(61 * 60_000);
    expect(await outbox.reviveOutageDeadMessages()).toContain(confirmation.id);
    await t.drain();
    expect(subjectsOf(address)).toEqual(['Your purchase', 'Refund', 'Access ended']);
  });
});
