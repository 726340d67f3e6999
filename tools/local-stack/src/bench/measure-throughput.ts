import { contentPurchases, sql } from '@codex/database';
import autocannon from 'autocannon';
import { demoIds } from '../demo-data';
import { PLAYBACK_RANGE, verifiedPlayPath } from './playback-grant-scenarios';
import { type BenchContext, completionEvent, json, signed, tokens } from './start-bench-stack';

/** One autocannon run: a request kind at a number of connections. */
export interface ThroughputRow {
  scenario: string;
  connections: number;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** Access check against its floor, and a verified play against the access check, at one concurrency. */
export interface ThroughputRatio {
  connections: number;
  /** Access p50 ÷ floor p50. */
  latencyRatio: number;
  /** Floor req/s ÷ access req/s. */
  throughputRatio: number;
  /** Verified repeat plays at the media gate per second ÷ access checks per second (issue 23). */
  verifyThroughputRatio: number;
}

function cycling(
  values: string[],
  build: (value: string) => { headers: Record<string, string>; body?: string },
) {
  let next = 0;
  return (request: autocannon.Request) => {
    const value = values[next % values.length] ?? '';
    next++;
    const { headers, body } = build(value);
    return { ...request, headers: { ...request.headers, ...headers }, ...(body ? { body } : {}) };
  };
}

/**
 * Throughput on loopback (no added latency): floor, access check and a verified repeat play at the
 * media gate (a range of the paid item's media with a grant issued before) at 1, 10 and 50
 * connections, then checkouts and webhooks at 10, each timed run `seconds` long. Kept because it is cheap
 * (about 45 s at the defaults) and shows what concurrency does to one local workerd. Prints a
 * line per run.
 */
export async function measureThroughput(
  { stack, stub, db, buyerHeaders, mediaGateUrl, playbackGrant }: BenchContext,
  seconds: number,
): Promise<{ rows: ThroughputRow[]; ratios: ThroughputRatio[] }> {
  const rows: ThroughputRow[] = [];
  const record = (scenario: string, connections: number, result: autocannon.Result) => {
    const row = {
      scenario,
      connections,
      requests: result.requests.total,
      rps: Math.round(result.requests.average),
      p50: result.latency.p50,
      p99: result.latency.p99,
      errors: result.errors + result.timeouts,
      non2xx: result.non2xx,
    };
    rows.push(row);
    console.log(
      `${scenario.padEnd(34)} c=${String(connections).padStart(2)}  ${String(row.rps).padStart(5)} req/s  p50 ${row.p50} ms  p99 ${row.p99} ms  non-2xx ${row.non2xx}`,
    );
    return row;
  };
  const run = async (
    scenario: string,
    connections: number,
    options: Omit<autocannon.Options, 'url' | 'connections'> & { path?: string; origin?: string },
  ) => {
    const { path = '', origin = stack.checkoutUrl, ...rest } = options;
    const result = await autocannon({
      url: `${origin}${path}`,
      connections,
      ...rest,
    } as autocannon.Options);
    return record(scenario, connections, result);
  };

  // 1. Access check against its floor, and a verified play against the access check, side by side
  // at each concurrency.
  const ratios: ThroughputRatio[] = [];
  for (const connections of [1, 10, 50]) {
    const floor = await run('floor (auth + SELECT 1)', connections, {
      path: '/api/bench/floor',
      headers: buyerHeaders,
      duration: seconds,
    });
    const access = await run('access check', connections, {
      path: `/api/purchases/access/${demoIds.paidContent}`,
      headers: buyerHeaders,
      duration: seconds,
    });
    // One grant for the run (fetched untimed, at most a minute old, it outlives the run).
    const verify = await run('verified repeat play (media gate)', connections, {
      origin: mediaGateUrl,
      path: verifiedPlayPath(await playbackGrant()),
      headers: { range: PLAYBACK_RANGE },
      duration: seconds,
    });
    ratios.push({
      connections,
      latencyRatio: Number((access.p50 / Math.max(floor.p50, 1)).toFixed(2)),
      throughputRatio: Number((floor.rps / Math.max(access.rps, 1)).toFixed(2)),
      verifyThroughputRatio: Number((verify.rps / Math.max(access.rps, 1)).toFixed(2)),
    });
  }

  // 2. Checkout: new sessions (one per customer), reused sessions, free content.
  const NEW = 200;
  const newCustomers = await tokens('user_bench_new', NEW);
  const checkoutRequests = (customers: string[], contentId: string) => [
    {
      method: 'POST' as const,
      path: '/api/checkout',
      setupRequest: cycling(customers, (authorization) => ({
        headers: { ...json, authorization },
        body: JSON.stringify({ contentId }),
      })),
    },
  ];
  await run('checkout, new session', 10, {
    method: 'POST',
    amount: NEW,
    requests: checkoutRequests(newCustomers, demoIds.paidContent),
  });
  // The same customers again (each well under the 10-per-minute limit): their open sessions come back.
  await run('checkout, open session reused', 10, {
    method: 'POST',
    amount: NEW,
    requests: checkoutRequests(newCustomers, demoIds.paidContent),
  });
  await run('checkout, free content', 10, {
    method: 'POST',
    amount: NEW,
    requests: checkoutRequests(await tokens('user_bench_free', NEW), demoIds.freeContent),
  });

  // 3. Webhooks: a distinct paid completion for each new session above, then one event repeated.
  const pending = await db.db
    .select({ sessionId: contentPurchases.stripeCheckoutSessionId })
    .from(contentPurchases)
    .where(
      sql`${contentPurchases.status} = 'pending' AND ${contentPurchases.stripeCheckoutSessionId} IS NOT NULL`,
    );
  const signedEvents = pending.map(({ sessionId }, index) => {
    const payload = completionEvent(stub, sessionId ?? '', String(index));
    return JSON.stringify({ payload, headers: signed(payload) });
  });
  const webhookRequest = (events: string[]) => [
    {
      method: 'POST' as const,
      path: '/webhooks/stripe/payment',
      setupRequest: cycling(events, (entry) => {
        const { payload, headers } = JSON.parse(entry) as {
          payload: string;
          headers: Record<string, string>;
        };
        return { headers, body: payload };
      }),
    },
  ];
  const webhookRun = async (scenario: string, options: Omit<autocannon.Options, 'url'>) =>
    record(
      scenario,
      options.connections ?? 10,
      await autocannon({ url: stack.webhooksUrl, ...options } as autocannon.Options),
    );
  await webhookRun('webhook, distinct completions', {
    connections: 10,
    amount: signedEvents.length,
    requests: webhookRequest(signedEvents),
  });
  await webhookRun('webhook, duplicates', {
    connections: 10,
    duration: seconds,
    requests: webhookRequest(signedEvents.slice(0, 1)),
  });
  return { rows, ratios };
}
