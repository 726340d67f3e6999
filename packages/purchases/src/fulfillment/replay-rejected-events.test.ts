import { eq, rejectedStripeEvents, stripeWebhookEvents } from '@codex/database';
import { describe, expect, it } from 'vitest';
import { useTestWorld } from '../testing/test-world';

const world = useTestWorld();
const fulfillment = () => world().fulfillment();
const db = () => world().db;

const unique = () => crypto.randomUUID().replaceAll('-', '');

describe('a signed event that does not fit', () => {
  it('is kept for replay and acknowledged, changing nothing else', async () => {
    const event = { id: `evt_${unique()}`, type: 'charge.refunded', data: { object: null } };

    const outcome = await fulfillment().handleStripeEvent(event);

    expect(outcome).toMatchObject({ status: 'rejected' });
    const kept = await db()
      .select()
      .from(rejectedStripeEvents)
      .where(eq(rejectedStripeEvents.stripeEventId, event.id));
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({
      eventType: 'charge.refunded',
      payload: null,
      replayedAt: null,
    });
    expect(JSON.parse(new TextDecoder().decode(kept[0]?.rawPayload ?? undefined))).toEqual(event);
    const inbox = await db()
      .select()
      .from(stripeWebhookEvents)
      .where(eq(stripeWebhookEvents.id, event.id));
    expect(inbox).toEqual([]);

    // Stripe's retry of the same event is kept once.
    await fulfillment().handleStripeEvent(event);
    const again = await db()
      .select()
      .from(rejectedStripeEvents)
      .where(eq(rejectedStripeEvents.stripeEventId, event.id));
    expect(again).toHaveLength(1);
  });
});

describe('replayRejectedEvents', () => {
  it('handles the ones that fit now, once, and leaves the rest', async () => {
    // Kept by an older version whose schema was stricter: fits today's.
    const fitsNow = {
      id: `evt_${unique()}`,
      type: 'checkout.session.expired',
      data: {
        object: { id: `cs_test_${unique()}`, status: 'expired', payment_status: 'unpaid' },
      },
    };
    const stillBad = { id: `evt_${unique()}`, type: 'refund.failed', data: { object: {} } };
    await db()
      .insert(rejectedStripeEvents)
      .values([
        { stripeEventId: fitsNow.id, eventType: fitsNow.type, payload: fitsNow, problems: ['old'] },
        {
          stripeEventId: stillBad.id,
          eventType: stillBad.type,
          payload: stillBad,
          problems: ['old'],
        },
      ]);

    const first = await fulfillment().replayRejectedEvents();
    // The event kept by the test above is still rejected too.
    expect(first).toEqual({ replayed: 1, stillRejected: 2 });
    const [replayed] = await db()
      .select()
      .from(rejectedStripeEvents)
      .where(eq(rejectedStripeEvents.stripeEventId, fitsNow.id));
    expect(replayed?.replayedAt).toBeInstanceOf(Date);
    const inbox = await db()
      .select()
      .from(stripeWebhookEvents)
      .where(eq(stripeWebhookEvents.id, fitsNow.id));
    expect(inbox).toHaveLength(1);

    const second = await fulfillment().replayRejectedEvents();
    expect(second).toEqual({ replayed: 0, stillRejected: 2 });
  });
});

describe('replayRejectedEvents, from the bytes received', () => {
  it('re-reads each kept body: one that fits now is handled, one still not JSON stays', async () => {
    const fitsNow = {
      id: `evt_${unique()}`,
      type: 'checkout.session.expired',
      data: { object: { id: `cs_test_${unique()}`, payment_status: 'unpaid', note: 'a\u0000b' } },
    };
    const notJson = Uint8Array.of(0x7b, 0x00, 0xff);
    await db()
      .insert(rejectedStripeEvents)
      .values([
        {
          stripeEventId: fitsNow.id,
          eventType: fitsNow.type,
          rawPayload: new TextEncoder().encode(JSON.stringify(fitsNow, null, 2)),
          problems: ['old'],
        },
        { rawPayload: notJson, problems: ['(payload): not UTF-8'] },
      ]);

    expect(await fulfillment().replayRejectedEvents({ eventId: fitsNow.id })).toEqual({
      replayed: 1,
      stillRejected: 0,
    });
    const inbox = await db()
      .select()
      .from(stripeWebhookEvents)
      .where(eq(stripeWebhookEvents.id, fitsNow.id));
    expect(inbox).toHaveLength(1);
    // The two kept by the tests above, and the body that is still not JSON.
    expect(await fulfillment().replayRejectedEvents()).toEqual({ replayed: 0, stillRejected: 3 });
  });
});
