import {
  contentPurchases,
  count,
  eq,
  rejectedStripeEvents,
  stripeDisputes,
  stripeRefunds,
} from '@codex/database';
import { handledStripeEventTypes } from '@codex/purchases';
import { fc, test } from '@fast-check/vitest';
import { afterEach, beforeAll, describe, expect, vi } from 'vitest';
import {
  captureConsole,
  deliver,
  stripeEvent,
  testEnv,
  type WebhookAnswer,
  withTestDatabase,
} from '../../testing/test-support';

// Correctly signed events that are not the shape we handle must never answer 5xx (Stripe would
// retry them for days, then disable the endpoint): each is acknowledged, kept for replay, and
// changes nothing else.
afterEach(() => {
  vi.restoreAllMocks();
});

// The embedded database's socket server counts every connection ever opened against its limit
// (256 per test file), and each run opens two: fewer runs there.
const ON_SERVER = testEnv.DATABASE_MODE === 'server';

/** What a handled object of each family looks like when it is well formed. */
const wellFormed: Record<string, Record<string, unknown>> = {
  checkout: {
    id: 'cs_test_fuzz',
    object: 'checkout.session',
    status: 'complete',
    payment_status: 'paid',
    amount_total: 1_000,
    currency: 'usd',
    client_reference_id: null,
    metadata: {},
    payment_intent: 'pi_fuzz',
  },
  charge: {
    id: 'ch_fuzz',
    object: 'charge',
    amount: 1_000,
    amount_refunded: 1_000,
    payment_intent: 'pi_fuzz',
  },
  refund: {
    id: 're_fuzz',
    object: 'refund',
    amount: 1_000,
    status: 'failed',
    payment_intent: 'pi_fuzz',
    charge: 'ch_fuzz',
  },
  dispute: {
    id: 'du_fuzz',
    object: 'dispute',
    amount: 1_000,
    status: 'lost',
    payment_intent: 'pi_fuzz',
    charge: 'ch_fuzz',
  },
};

function familyOf(type: string): Record<string, unknown> {
  if (type.startsWith('checkout.')) return wellFormed.checkout ?? {};
  if (type === 'charge.refunded') return wellFormed.charge ?? {};
  if (type.startsWith('charge.dispute.')) return wellFormed.dispute ?? {};
  return wellFormed.refund ?? {};
}

/** A value of the wrong kind for any field we read. */
const wrongValue = fc.oneof(
  fc.constant(null),
  fc.constant(-1),
  fc.constant(1.5),
  fc.constant(''),
  fc.constant('not-a-status'),
  fc.constant([]),
  fc.constant({}),
  fc.boolean(),
);

/** A handled object broken in one of the ways a payload can break. */
const brokenObject = (type: string) => {
  const valid = familyOf(type);
  const fields = Object.keys(valid).filter((key) => key !== 'object');
  return fc.oneof(
    // the object itself is not an object
    fc.oneof(fc.constant(null), fc.constant('x'), fc.constant(42), fc.constant([])),
    // a field we read is missing
    fc.constantFrom(...fields).map((field) => {
      const { [field]: _dropped, ...rest } = valid;
      return rest;
    }),
    // a field we read has the wrong kind of value
    fc.tuple(fc.constantFrom(...fields), wrongValue).map(([field, value]) => ({
      ...valid,
      [field]: value,
    })),
  );
};

const malformedEvent = fc
  .constantFrom(...handledStripeEventTypes)
  .chain((type) => fc.record({ type: fc.constant(type), object: brokenObject(type) }));

/** Purchases, refunds and disputes, and whether `eventId` was kept for replay: one connection. */
async function inspect(eventId: string) {
  return withTestDatabase(async (db) => {
    const [purchases] = await db.select({ n: count() }).from(contentPurchases);
    const [refunds] = await db.select({ n: count() }).from(stripeRefunds);
    const [disputes] = await db.select({ n: count() }).from(stripeDisputes);
    const kept = await db
      .select({ id: rejectedStripeEvents.id })
      .from(rejectedStripeEvents)
      .where(eq(rejectedStripeEvents.stripeEventId, eventId));
    return {
      rows: { purchases: purchases?.n, refunds: refunds?.n, disputes: disputes?.n },
      kept: kept.length,
    };
  });
}

let before: Awaited<ReturnType<typeof inspect>>['rows'];
beforeAll(async () => {
  before = (await inspect('evt_none')).rows;
});

describe('signed events that do not fit', () => {
  test.prop([malformedEvent], { numRuns: ON_SERVER ? 150 : 50 })(
    'are acknowledged (never 5xx), kept for replay, and change nothing',
    async ({ type, object }) => {
      captureConsole('error');
      captureConsole('warn');
      captureConsole('log');
      const event = stripeEvent(type, object);

      const response = await deliver(event);

      expect(response.status).toBe(200);
      const answer = (await response.json()) as WebhookAnswer;
      // Some breakages still fit (a nullable field set to null): those are simply not ours.
      expect(['rejected', 'processed']).toContain(answer.outcome);
      if (answer.outcome === 'processed') expect(answer.result).toBe('unknown_purchase');
      const after = await inspect(event.id);
      expect(after.rows).toEqual(before);
      expect(after.kept).toBe(answer.outcome === 'rejected' ? 1 : 0);
    },
    120_000,
  );

  test.prop([fc.jsonValue()], { numRuns: ON_SERVER ? 60 : 30 })(
    'any signed JSON at all is acknowledged or refused as a bad payload, never 5xx',
    async (body) => {
      captureConsole('error');
      captureConsole('warn');
      captureConsole('log');
      const response = await deliver(JSON.stringify(body));
      expect(response.status).toBeLessThan(500);
    },
    120_000,
  );
});
