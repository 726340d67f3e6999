import { eq, fulfillmentAnomalies, rejectedStripeEvents } from '@codex/database';
import { describe, expect, it } from 'vitest';
import { useTestWorld } from '../testing/test-world';
import { flagAnomaly } from './flag-anomaly';
import {
  countInboxRows,
  readPurchase,
  type StartedCheckout,
  startCheckout,
} from './testing/purchase-probes';

// Whatever bytes a correctly signed body holds, handling it never throws (Postgres refuses a NUL
// in text and jsonb, a lone surrogate in jsonb, and nesting past its JSON parser's depth): it is
// handled, or kept for replay exactly as received.

const world = useTestWorld();
const encoder = new TextEncoder();
const newId = (prefix: string) => `${prefix}${crypto.randomUUID().replaceAll('-', '')}`;
const bytesOf = (text: string) => encoder.encode(text);

async function keptRows(payload: Uint8Array) {
  return world()
    .db.select()
    .from(rejectedStripeEvents)
    .where(eq(rejectedStripeEvents.rawPayload, payload));
}

const refundEvent = (object: Record<string, unknown>, id = newId('evt_')) => ({
  id,
  object: 'event',
  type: 'refund.updated',
  data: {
    object: {
      id: newId('re_'),
      amount: 500,
      status: 'succeeded',
      payment_intent: newId('pi_'),
      ...object,
    },
  },
});

const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** Bodies that cannot be handled, and the problem each is kept with. */
const unhandleable: Array<[string, Uint8Array, string]> = [
  ['bytes that are not UTF-8', Uint8Array.of(0x7b, 0xff, 0xfe, 0x00, 0x7d), '(payload): not UTF-8'],
  ['text that is not JSON', bytesOf('{"id":"evt_1",'), '(payload): not JSON'],
  ['a raw NUL byte inside a JSON string', bytesOf('{"id":"evt_\u0000"}'), '(payload): not JSON'],
  ['an empty body', new Uint8Array(0), '(payload): not JSON'],
  ['JSON that is not an object', bytesOf('"\\u0000"'), '(event): missing or wrong type'],
  ['an array nested 100,000 deep', bytesOf(deepArray(100_000)), '(event): missing or wrong type'],
  [
    'an event whose object is nested 40,000 deep',
    bytesOf(`{"id":"evt_deep","type":"charge.refunded","data":{"object":${deepObject(40_000)}}}`),
    'data.object.id: missing or wrong type',
  ],
  [
    'an event id holding a NUL',
    bytesOf(JSON.stringify(refundEvent({}, 'evt_\u0000'))),
    'id: not a Stripe id',
  ],
  [
    'an event id holding a lone surrogate',
    bytesOf(JSON.stringify(refundEvent({}, 'evt_\ud800'))),
    'id: not a Stripe id',
  ],
  [
    'a currency holding a NUL',
    bytesOf(
      JSON.stringify({
        ...refundEvent({}),
        type: 'checkout.session.expired',
        data: { object: { id: 'cs_1', payment_status: 'unpaid', currency: 'us\u0000' } },
      }),
    ),
    'data.object.currency: not a currency code',
  ],
  [
    'an amount past Postgres integer',
    bytesOf(JSON.stringify(refundEvent({ amount: 2 ** 31 }))),
    'data.object.amount: too_big',
  ],
  [
    'a session whose subtotal and tax add up past Postgres integer',
    bytesOf(
      JSON.stringify({
        ...refundEvent({}),
        type: 'checkout.session.completed',
        data: {
          object: {
            id: 'cs_1',
            payment_status: 'paid',
            amount_total: 2 ** 31 - 1,
            total_details: { amount_discount: 0, amount_tax: 1 },
          },
        },
      }),
    ),
    'data.object.total_details: subtotal and tax add up past Postgres integer',
  ],
];

describe('a verified body that cannot be handled', () => {
  it.each(unhandleable)(
    '%s is kept byte for byte and acknowledged',
    async (_label, payload, problem) => {
      const outcome = await world().fulfillment().handleStripePayload(payload);

      expect(outcome).toEqual({ status: 'rejected', problems: expect.arrayContaining([problem]) });
      const kept = await keptRows(payload);
      expect(kept).toHaveLength(1);
      // Byte for byte (a deep equality over 200,000 elements would take seconds).
      expect(Buffer.from(kept[0]?.rawPayload ?? []).equals(payload)).toBe(true);
      expect(kept[0]?.payload).toBeNull();
    },
  );

  it('keeps storable problems: a metadata key with a NUL, a thousand wrong values', async () => {
    const metadata = Object.fromEntries(
      Array.from({ length: 1_000 }, (_, index) => [`k\u0000${index}\ud800`, index]),
    );
    const payload = bytesOf(JSON.stringify(refundEvent({ metadata })));

    const outcome = await world().fulfillment().handleStripePayload(payload);

    expect(outcome.status).toBe('rejected');
    if (outcome.status !== 'rejected') return;
    expect(outcome.problems).toHaveLength(21);
    expect(outcome.problems[0]).toBe('data.object.metadata.k\ufffd0\ufffd: missing or wrong type');
    expect(outcome.problems.at(-1)).toBe('and 980 more');
    expect((await keptRows(payload))[0]?.problems).toEqual(outcome.problems);
  });
});

describe('a handled event whose strings Postgres would refuse', () => {
  const paidSession = (purchase: StartedCheckout) => ({
    id: purchase.sessionId,
    status: 'complete',
    payment_status: 'paid',
    amount_total: 1_999,
    amount_subtotal: 1_999,
    currency: 'usd',
    payment_intent: newId('pi_'),
    client_reference_id: purchase.purchaseId,
    metadata: {
      purchaseId: purchase.purchaseId,
      contentId: purchase.contentId,
      customerId: purchase.customerId,
    },
  });

  it.each([
    ['a NUL', '\u0000'],
    ['a lone surrogate', '\udc00'],
  ])(
    'with %s in metadata.customerId is handled: flagged for review, never thrown',
    async (_label, bad) => {
      const purchase = await startCheckout(world());
      const session = paidSession(purchase);
      const event = {
        id: newId('evt_'),
        type: 'checkout.session.completed',
        data: {
          object: { ...session, metadata: { ...session.metadata, customerId: `x${bad}y` } },
        },
      };

      const outcome = await world()
        .fulfillment()
        .handleStripePayload(bytesOf(JSON.stringify(event)));

      expect(outcome).toEqual({
        status: 'processed',
        result: { status: 'flagged', purchaseId: purchase.purchaseId, kind: 'linkage_mismatch' },
      });
      expect((await readPurchase(world(), purchase.purchaseId)).status).toBe('pending');
      expect(await countInboxRows(world(), event.id)).toBe(1);
    },
  );

  it('with a NUL in an unrelated metadata value completes the purchase', async () => {
    const purchase = await startCheckout(world());
    const session = paidSession(purchase);
    const event = {
      id: newId('evt_'),
      type: 'checkout.session.completed',
      data: { object: { ...session, metadata: { ...session.metadata, note: 'a\u0000b\ud800' } } },
    };

    const outcome = await world()
      .fulfillment()
      .handleStripePayload(bytesOf(JSON.stringify(event)));

    expect(outcome).toMatchObject({ status: 'processed', result: { status: 'completed' } });
  });

  it('an anomaly quoting such strings is stored, made storable', async () => {
    const stripeObjectId = newId('cs_');
    await flagAnomaly(world().db, stripeObjectId, undefined, 'linkage_mismatch', {
      problem: 'a\u0000b',
      received: ['\ud800', { 'k\u0000': '\udfff' }],
    });

    const [anomaly] = await world()
      .db.select()
      .from(fulfillmentAnomalies)
      .where(eq(fulfillmentAnomalies.stripeObjectId, stripeObjectId));
    expect(anomaly?.details).toEqual({
      problem: 'a\ufffdb',
      received: ['\ufffd', { 'k\ufffd': '\ufffd' }],
    });
  });
});
