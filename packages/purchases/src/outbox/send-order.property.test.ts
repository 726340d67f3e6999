import { queryRows, sql } from '@codex/database';
import type { StripeStubEvent } from '@codex/local-stripe';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { newAddress, useOutboxWorld } from '../testing/outbox-world';

// For each purchase, the provider receives its messages in the order they were enqueued, whatever
// the provider's failures (retries, dead letters), the consumer's order and its concurrency. The
// purchase is confirmed, loses access and gets it back (a full refund that fails), up to three
// times: up to six messages, each failing 0–2 times with a 503 or refused for good with a 422.
const t = useOutboxWorld({ maxConnections: 20 });

type Step = { kind: 'event' } | { kind: 'deliver'; picks: [number, number] } | { kind: 'advance' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constant<Step>({ kind: 'event' }),
  fc
    .tuple(fc.nat(), fc.nat())
    .map(([first, second]): Step => ({ kind: 'deliver', picks: [first, second] })),
  fc.constant<Step>({ kind: 'advance' }),
);
const failure = fc.constantFrom<0 | 1 | 2 | 'refused'>(0, 0, 1, 2, 'refused');

async function enqueuedIdsOf(purchaseId: string): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    t.world().testDb.http,
    sql`SELECT id FROM email_outbox WHERE purchase_id = ${purchaseId}::uuid ORDER BY created_at, id`,
  );
  return rows.map((row) => String(row.id));
}

describe('one purchase, messages in enqueue order', () => {
  test.prop(
    [
      fc.integer({ min: 0, max: 2 }),
      fc.boolean(),
      fc.array(failure, { minLength: 6, maxLength: 6 }),
      fc.array(step, { maxLength: 25 }),
    ],
    { numRuns: 25 },
  )(
    'the provider receives what was enqueued, in that order, whatever fails and whoever delivers',
    async (cycles, endRefunded, failures, steps) => {
      const address = newAddress();
      const checkout = await t.paidCheckout(1_000, address);
      const stripe = t.world().stub;
      const intentOf = () => stripe.getSession(checkout.sessionId)?.payment_intent ?? '';
      // Stripe's side, one operation at a time, each made when its turn comes.
      const operations: Array<() => StripeStubEvent[]> = [
        () => stripe.payCheckoutSession(checkout.sessionId),
      ];
      let refundId = '';
      for (let cycle = 0; cycle < cycles + (endRefunded ? 1 : 0); cycle++) {
        operations.push(() => {
          const { refund, events } = stripe.createRefund(intentOf());
          refundId = refund.id;
          return events;
        });
        if (cycle < cycles) operations.push(() => stripe.updateRefund(refundId, 'failed'));
      }
      const enqueued: string[] = [];
      const outbox = t.outbox();
      const observe = async () => {
        for (const id of await enqueuedIdsOf(checkout.purchaseId)) {
          if (enqueued.includes(id)) continue;
          const fails = failures[enqueued.length] ?? 0;
          if (fails === 'refused') t.resend().addRule({ status: 422, idempotencyKey: id });
          else if (fails > 0) t.resend().addRule({ status: 503, times: fails, idempotencyKey: id });
          enqueued.push(id);
        }
      };
      const runEvent = async () => {
        const operation = operations.shift();
        if (!operation) return;
        for (const event of operation()) await t.deliver(event);
        await observe();
      };
      for (const next of steps) {
        if (next.kind === 'event') await runEvent();
        if (next.kind === 'advance') t.advance(5 * 60_000);
        if (next.kind === 'deliver' && enqueued.length > 0) {
          await Promise.all(
            next.picks.map((pick) =>
              outbox.deliverOutboxMessage(enqueued[pick % enqueued.length] ?? ''),
            ),
          );
        }
      }
      while (operations.length > 0) await runEvent();
      t.advance(2 * 60 * 60_000); // past any backoff: what is left is due
      await t.drain();

      const rows = await t.rowsOf(checkout.purchaseId);
      const dead = new Set(rows.filter((row) => row.status === 'dead').map((row) => row.id));
      const received = t.inbox(address).map((message) => message.idempotencyKey);
      expect(received).toEqual(enqueued.filter((id) => !dead.has(id)));
      expect(rows.every((row) => row.status === 'sent' || row.status === 'dead')).toBe(true);
    },
    180_000,
  );
});
