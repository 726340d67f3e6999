import { stripeCustomers } from '@codex/database';
import { ObservabilityClient } from '@codex/observability';
import { CheckoutService } from '@codex/purchases';
import { createStripeClient } from '@codex/worker-runtime';
import { demoIds } from '../demo-data';
import { measureSequentialLatency, type PreparedRequest } from '../measure-sequential-latency';
import { hasJson, type LatencyScenario } from './latency-scenario';
import { playbackGrantScenarios } from './playback-grant-scenarios';
import {
  type BenchContext,
  bearer,
  completionEvent,
  json,
  STRIPE_KEY,
  signed,
} from './start-bench-stack';

// Per request kind and condition: p50 settles long before this many requests; it also bounds the
// state prepared for the kinds that use something up per request (open checkouts).
const MAX_LATENCY_REQUESTS = 300;
const WARM_UP_REQUESTS = 2;

/** Milliseconds with one decimal, `–` for NaN (no requests). */
export const formatMilliseconds = (value: number) => (Number.isNaN(value) ? '–' : value.toFixed(1));

/** One request kind's medians without and with the added round trip. */
export interface LatencyRow {
  scenario: string;
  requestsAtZero: number;
  p50AtZero: number;
  p99AtZero: number;
  requestsAtRoundTrip: number;
  p50AtRoundTrip: number;
  p99AtRoundTrip: number;
  /** (p50 at BENCH_DB_RTT_MS − p50 at 0) / BENCH_DB_RTT_MS, one decimal. */
  roundTrips: number;
  unexpected: number;
}

/** Options for {@link measureRoundTrips}. */
export interface MeasureRoundTripsOptions {
  /** The round trip compared with none (`BENCH_DB_RTT_MS`). */
  roundTripMs: number;
  /** Each scenario runs 2 × this (`BENCH_SECONDS`). */
  seconds: number;
  /** Sets the round trip the latency proxy adds. */
  setRoundTrip: (ms: number) => void;
}

/** Pending purchases with open Checkout Sessions, one customer each, made in this process. */
async function makeOpenCheckouts(
  { db, stub }: BenchContext,
  count: number,
): Promise<Array<{ customerId: string; sessionId: string }>> {
  // The same service the worker runs, so the rows are exactly what a checkout leaves behind.
  const purchases = new CheckoutService({
    db: db.db,
    stripe: createStripeClient({ secretKey: STRIPE_KEY, apiBase: stub.url }),
    logger: new ObservabilityClient('bench', 'development', { write: () => undefined }),
    config: { webAppUrl: 'http://127.0.0.1:5173' },
  });
  const open: Array<{ customerId: string; sessionId: string }> = [];
  let made = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (made < count) {
        const customerId = `user_bench_open_${made++}`;
        const result = await purchases.createCheckoutSession(customerId, demoIds.paidContent);
        if (result.status !== 'checkout_created') {
          throw new Error(`pnpm bench: preparing open checkouts gave ${result.status}`);
        }
        open.push({ customerId, sessionId: result.sessionId });
      }
    }),
  );
  return open;
}

/**
 * Buyers who each have their one Stripe Customer mapped already (as a completed first purchase
 * leaves them): a Customer at the stand-in and its `stripe_customers` row, made untimed.
 */
async function makeReturningBuyers({ db, stub }: BenchContext, count: number): Promise<string[]> {
  const stripe = createStripeClient({ secretKey: STRIPE_KEY, apiBase: stub.url });
  const buyers = Array.from({ length: count }, (_, index) => `user_bench_returning_${index}`);
  const mappings = [];
  for (const customerId of buyers) {
    const customer = await stripe.customers.create({ metadata: { customerId } });
    mappings.push({ customerId, stripeCustomerId: customer.id });
  }
  await db.db.insert(stripeCustomers).values(mappings);
  return buyers;
}

/**
 * Each request kind at one connection (sequential requests), alternating request by request between
 * the proxy passing bytes straight through and every database round trip costing `roundTripMs`:
 * the difference of the two medians, divided by `roundTripMs`, is the number of round trips the
 * request waits for. Prints a line per request kind.
 */
export async function measureRoundTrips(
  context: BenchContext,
  { roundTripMs, seconds, setRoundTrip }: MeasureRoundTripsOptions,
): Promise<LatencyRow[]> {
  const { stack, stub, buyerHeaders } = context;
  const checkout = `${stack.checkoutUrl}/api/checkout`;
  const webhook = `${stack.webhooksUrl}/webhooks/stripe/payment`;
  const requestsPerScenario = 2 * MAX_LATENCY_REQUESTS + WARM_UP_REQUESTS;
  let customers = 0;
  const checkoutAs = (authorization: string, contentId: string): PreparedRequest => ({
    url: checkout,
    init: {
      method: 'POST',
      headers: { ...json, authorization },
      body: JSON.stringify({ contentId }),
    },
  });
  const delivery = (payload: string): PreparedRequest => ({
    url: webhook,
    init: { method: 'POST', headers: signed(payload), body: payload },
  });

  // The reuse run answers from these open checkouts, then the first-delivery run completes them:
  // one customer per request, so the per-customer checkout limit never answers instead. One more
  // purchase of its own for the duplicate run: its first (warm-up) delivery completes it.
  const open = await makeOpenCheckouts(context, requestsPerScenario + 1);
  const duplicate = open.pop();
  if (!duplicate) throw new Error('pnpm bench: no open checkout was made');
  const duplicatePayload = completionEvent(stub, duplicate.sessionId, 'latency_duplicate');
  const reusing = open.values();
  const completing = open.values();
  const returning = (await makeReturningBuyers(context, requestsPerScenario)).values();

  const scenarios: LatencyScenario[] = [
    {
      name: 'floor (auth + SELECT 1)',
      next: () => ({
        url: `${stack.checkoutUrl}/api/bench/floor`,
        init: { headers: buyerHeaders },
      }),
      isExpected: (status, body) => status === 200 && hasJson({ ok: true })(body),
    },
    {
      name: 'access check',
      next: () => ({
        url: `${stack.checkoutUrl}/api/purchases/access/${demoIds.paidContent}`,
        init: { headers: buyerHeaders },
      }),
      isExpected: (status, body) => status === 200 && hasJson({ hasAccess: true })(body),
    },
    {
      name: 'access check, previous transport (WebSocket pool)',
      next: () => ({
        url: `${stack.checkoutUrl}/api/bench/access-over-websocket/${demoIds.paidContent}`,
        init: { headers: buyerHeaders },
      }),
      isExpected: (status, body) => status === 200 && hasJson({ hasAccess: true })(body),
    },
    {
      // Customer reuse is on (the default): Checkout creates the first-time buyer's Customer.
      name: 'checkout, new session, first-time buyer',
      next: async () =>
        checkoutAs(await bearer(`user_bench_latency_${customers++}`), demoIds.paidContent),
      isExpected: (status, body) => status === 201 && hasJson({ status: 'checkout_created' })(body),
    },
    {
      name: 'checkout, new session, returning buyer',
      next: async () => {
        const next = returning.next();
        return next.done ? undefined : checkoutAs(await bearer(next.value), demoIds.paidContent);
      },
      isExpected: (status, body) => status === 201 && hasJson({ status: 'checkout_created' })(body),
    },
    {
      name: 'checkout, open session reused',
      next: async () => {
        const next = reusing.next();
        return next.done
          ? undefined
          : checkoutAs(await bearer(next.value.customerId), demoIds.paidContent);
      },
      isExpected: (status, body) => status === 200 && hasJson({ status: 'checkout_reused' })(body),
    },
    {
      name: 'checkout, free content',
      next: async () =>
        checkoutAs(await bearer(`user_bench_latency_${customers++}`), demoIds.freeContent),
      isExpected: (status, body) =>
        status === 200 && hasJson({ status: 'free_access_granted' })(body),
    },
    {
      name: 'webhook, first delivery',
      next: () => {
        const next = completing.next();
        return next.done
          ? undefined
          : delivery(
              completionEvent(stub, next.value.sessionId, `latency_${next.value.customerId}`),
            );
      },
      isExpected: (status, body) =>
        status === 200 && hasJson({ outcome: 'processed', result: 'completed' })(body),
    },
    {
      name: 'webhook, duplicate',
      next: () => delivery(duplicatePayload),
      isExpected: (status, body) => status === 200 && hasJson({ outcome: 'duplicate' })(body),
    },
    ...playbackGrantScenarios(context),
  ];

  const rows: LatencyRow[] = [];
  for (const scenario of scenarios) {
    const [atZero, atRoundTrip] = await measureSequentialLatency({
      next: scenario.next,
      isExpected: scenario.isExpected,
      conditions: [() => setRoundTrip(0), () => setRoundTrip(roundTripMs)],
      seconds: 2 * seconds,
      maxRequests: 2 * MAX_LATENCY_REQUESTS,
      warmUpRequests: WARM_UP_REQUESTS,
    });
    setRoundTrip(0);
    if (!atZero || !atRoundTrip) throw new Error('pnpm bench: a latency condition is missing');
    const row = {
      scenario: scenario.name,
      requestsAtZero: atZero.requests,
      p50AtZero: atZero.p50,
      p99AtZero: atZero.p99,
      requestsAtRoundTrip: atRoundTrip.requests,
      p50AtRoundTrip: atRoundTrip.p50,
      p99AtRoundTrip: atRoundTrip.p99,
      roundTrips: Number(((atRoundTrip.p50 - atZero.p50) / roundTripMs).toFixed(1)),
      unexpected: atZero.unexpected + atRoundTrip.unexpected,
    };
    rows.push(row);
    const firstUnexpected = atZero.firstUnexpected ?? atRoundTrip.firstUnexpected;
    console.log(
      `${scenario.name.padEnd(44)} p50 ${formatMilliseconds(row.p50AtZero)} ms at 0, ${formatMilliseconds(row.p50AtRoundTrip)} ms at ${roundTripMs} ms RTT: ${row.roundTrips} round trips (${row.requestsAtZero} + ${row.requestsAtRoundTrip} requests)${firstUnexpected ? `  UNEXPECTED ${row.unexpected}: ${firstUnexpected}` : ''}`,
    );
  }
  return rows;
}
