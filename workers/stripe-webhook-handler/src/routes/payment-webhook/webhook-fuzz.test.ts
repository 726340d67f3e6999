import {
  contentPurchases,
  count,
  eq,
  inArray,
  or,
  rejectedStripeEvents,
  stripeDisputes,
  stripeRefunds,
} from '@codex/database';
import { handledStripeEventTypes } from '@codex/purchases';
import { fc, test } from '@fast-check/vitest';
import { afterEach, beforeAll, describe, expect, vi } from 'vitest';
import {
  type FuzzTargets,
  hostileBodies,
  PERSONAL_DATA,
} from '../../testing/hostile-webhook-bodies';
import {
  captureConsole,
  checkoutSession,
  deliver,
  seedPendingPurchase,
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

// The issue's bar: "2,000 fuzzed requests, including signed events with NUL bytes, lone
// surrogates and deep nesting: no 5xx outside a database outage". CODEX_FUZZ_REQUESTS changes the
// count (vitest.config.ts passes it in). The embedded database gets 200, one at a time: its socket
// server serves one connection at a time, so concurrency there only costs time.
const FUZZ_REQUESTS = Number(testEnv.CODEX_FUZZ_REQUESTS || (ON_SERVER ? 2_000 : 200));
/** Requests delivered at once in one run: on a server, concurrently, as Stripe sends them. */
const BATCH = ON_SERVER ? 16 : 1;

/** Pending purchases for the checkout events, and a completed one for the money events. */
async function seedTargets(): Promise<FuzzTargets> {
  const pending = await Promise.all([1, 2, 3, 4].map(() => seedPendingPurchase()));
  const sold = await seedPendingPurchase();
  const soldPaymentIntentId = `pi_fuzz_sold_${crypto.randomUUID().replaceAll('-', '')}`;
  const completion = await deliver(
    stripeEvent(
      'checkout.session.completed',
      checkoutSession(sold, { payment_intent: soldPaymentIntentId }),
    ),
  );
  expect(await completion.json()).toMatchObject({ outcome: 'processed', result: 'completed' });
  return { sessionIds: pending.map((purchase) => purchase.sessionId ?? ''), soldPaymentIntentId };
}

function sameBytes(a: Uint8Array | null, b: Uint8Array): boolean {
  return a !== null && a.length === b.length && a.every((byte, index) => byte === b[index]);
}

/**
 * The id a body names, when it is JSON with an id that is kept (printable ASCII, as Stripe's): an
 * event is kept once per id, so a later body with the same id is not kept again.
 */
function idOf(body: Uint8Array): string | undefined {
  try {
    const parsed: unknown = JSON.parse(
      new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body),
    );
    const id = (parsed as { id?: unknown } | null)?.id;
    return typeof id === 'string' && /^[!-~]{1,255}$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

/** Every body answered `rejected` is kept: these bytes, or an earlier body with its event id. */
async function expectKept(rejected: Uint8Array[]) {
  if (rejected.length === 0) return;
  const ids = rejected.flatMap((body) => idOf(body) ?? []);
  const rows = await withTestDatabase((db) =>
    db
      .select({ raw: rejectedStripeEvents.rawPayload, id: rejectedStripeEvents.stripeEventId })
      .from(rejectedStripeEvents)
      .where(
        or(
          inArray(rejectedStripeEvents.rawPayload, rejected),
          ...(ids.length > 0 ? [inArray(rejectedStripeEvents.stripeEventId, ids)] : []),
        ),
      ),
  );
  const keptIds = new Set(rows.map((row) => row.id));
  for (const body of rejected) {
    const id = idOf(body);
    const kept = rows.some((row) => sameBytes(row.raw, body));
    expect(kept || (id !== undefined && keptIds.has(id))).toBe(true);
  }
}

describe('signed bodies holding anything at all', () => {
  let targets: FuzzTargets;
  beforeAll(async () => {
    targets = await seedTargets();
  });

  test(`${FUZZ_REQUESTS} of them, ${BATCH} at a time: each answered 200 and handled or kept, never 5xx, no payload logged`, async () => {
    const lines = [captureConsole('error'), captureConsole('warn'), captureConsole('log')];
    await fc.assert(
      fc.asyncProperty(
        fc.array(hostileBodies(targets), { minLength: BATCH, maxLength: BATCH }),
        async (bodies) => {
          const responses = await Promise.all(bodies.map((body) => deliver(body)));
          const answers = await Promise.all(
            responses.map(async (response) => ({
              status: response.status,
              body: (await response.json()) as WebhookAnswer,
            })),
          );
          const rejected: Uint8Array[] = [];
          answers.forEach((answer, index) => {
            expect(answer.status).toBe(200);
            expect(answer.body.received).toBe(true);
            expect(['processed', 'duplicate', 'ignored', 'rejected']).toContain(
              answer.body.outcome,
            );
            const body = bodies[index] ?? '';
            if (answer.body.outcome === 'rejected') {
              rejected.push(typeof body === 'string' ? new TextEncoder().encode(body) : body);
            }
          });
          await expectKept(rejected);
        },
      ),
      { numRuns: Math.ceil(FUZZ_REQUESTS / BATCH) },
    );
    const all = lines.flat();
    expect(all.filter((line) => line.includes(PERSONAL_DATA))).toEqual([]);
  }, 600_000);
});
