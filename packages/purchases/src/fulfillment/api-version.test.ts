import { eq, rejectedStripeEvents } from '@codex/database';
import { ObservabilityClient } from '@codex/observability';
import { describe, expect, it } from 'vitest';
import { FulfillmentService } from '../fulfillment-service';
import { useTestWorld } from '../testing/test-world';
import {
  countInboxRows,
  readPurchase,
  type StartedCheckout,
  startCheckout,
} from './testing/purchase-probes';

// The Stripe client pins one API version; an event rendered in another is handled when its object
// fits (one warning naming both versions) and kept for replay, the versions named, when it does not.

const world = useTestWorld();
const OTHER_VERSION = '2024-06-20';
const newId = (prefix: string) => `${prefix}${crypto.randomUUID().replaceAll('-', '')}`;

function observed() {
  const lines: Array<{ level: string; message: string; context: Record<string, unknown> }> = [];
  const logger = new ObservabilityClient('purchases-test', 'test', {
    write: (line) => lines.push(JSON.parse(line)),
  });
  const fulfillment = new FulfillmentService({ db: world().db, stripe: world().stripe(), logger });
  return { lines, fulfillment };
}

function completion(purchase: StartedCheckout, apiVersion: unknown) {
  return {
    id: newId('evt_'),
    object: 'event',
    api_version: apiVersion,
    type: 'checkout.session.completed',
    data: {
      object: {
        id: purchase.sessionId,
        status: 'complete',
        payment_status: 'paid',
        amount_total: 1_999,
        currency: 'usd',
        payment_intent: newId('pi_'),
        client_reference_id: purchase.purchaseId,
        metadata: { purchaseId: purchase.purchaseId, customerId: purchase.customerId },
      },
    },
  };
}

const pinned = () => String(world().stripe().getApiField('version'));

describe('an event of another API version than the Stripe client pins', () => {
  it('is handled when its object fits, with one warning naming both versions and no payload', async () => {
    const { lines, fulfillment } = observed();
    const purchase = await startCheckout(world());
    const event = completion(purchase, OTHER_VERSION);

    const outcome = await fulfillment.handleStripeEvent(event);

    expect(outcome).toMatchObject({ status: 'processed', result: { status: 'completed' } });
    const warnings = lines.filter((line) => line.level === 'warn');
    expect(warnings).toEqual([
      expect.objectContaining({
        message: 'stripe event of another API version: handled, its object fits',
        context: {
          eventId: event.id,
          eventType: 'checkout.session.completed',
          eventApiVersion: OTHER_VERSION,
          expectedApiVersion: pinned(),
        },
      }),
    ]);
    expect(JSON.stringify(lines)).not.toContain(purchase.customerId);
  });

  it('is kept for replay, the versions among its problems, when its object does not fit; nothing is half-applied', async () => {
    const { lines, fulfillment } = observed();
    const purchase = await startCheckout(world());
    const event = completion(purchase, OTHER_VERSION);
    // What a version that renamed a field would send.
    const { payment_status: _renamed, ...object } = event.data.object;
    const renamed = { ...event, data: { object: { ...object, payment_state: 'paid' } } };

    const outcome = await fulfillment.handleStripeEvent(renamed);

    const problem = `api_version: the event is ${OTHER_VERSION}, our Stripe client pins ${pinned()} (read the changelog between them before replaying)`;
    expect(outcome).toEqual({
      status: 'rejected',
      problems: ['data.object.payment_status: invalid_value', problem],
    });
    const [kept] = await world()
      .db.select({ problems: rejectedStripeEvents.problems })
      .from(rejectedStripeEvents)
      .where(eq(rejectedStripeEvents.stripeEventId, event.id));
    expect(kept?.problems).toContain(problem);
    expect((await readPurchase(world(), purchase.purchaseId)).status).toBe('pending');
    expect(await countInboxRows(world(), event.id)).toBe(0);
    expect(lines.filter((line) => line.level === 'error')).toHaveLength(1);
  });

  it.each([
    ['the pinned version', () => pinned()],
    ['none (null, as Stripe leaves some events)', () => null],
  ])('says nothing when the event names %s', async (_label, version) => {
    const { lines, fulfillment } = observed();
    const purchase = await startCheckout(world());

    const outcome = await fulfillment.handleStripeEvent(completion(purchase, version()));

    expect(outcome).toMatchObject({ status: 'processed', result: { status: 'completed' } });
    expect(lines.filter((line) => line.level === 'warn')).toEqual([]);
  });

  it('names a value that is not a version as unrecognised, never the value', async () => {
    const { lines, fulfillment } = observed();
    const purchase = await startCheckout(world());

    await fulfillment.handleStripeEvent(completion(purchase, 'customer@example.com'));

    const [warning] = lines.filter((line) => line.level === 'warn');
    expect(warning?.context.eventApiVersion).toBe('(unrecognised)');
    expect(JSON.stringify(lines)).not.toContain('customer@example.com');
  });
});
