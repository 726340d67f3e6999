import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  contentPurchases,
  createDatabaseClient,
  type DatabaseClient,
  sql,
  type WebSocketConstructor,
} from '@codex/database';
import { isLoopbackHost, startDatabaseBridge } from '@codex/database/node';
import { type StripeStub, startStripeStub } from '@codex/local-stripe';
import { ObservabilityClient } from '@codex/observability';
import { createStripeClient, PurchaseService } from '@codex/purchases';
import { signBuyerToken } from '@codex/security';
import autocannon from 'autocannon';
import Stripe from 'stripe';
import ws from 'ws';
import { demoIds } from './demo-data';
import { startLatencyProxy } from './latency-proxy';
import { measureSequentialLatency, type PreparedRequest } from './measure-sequential-latency';
import { type LocalStack, repositoryRoot, startLocalStack, workerDirs } from './start-local-stack';

// `pnpm bench`: what each request costs, on a real Postgres server, with both workers in the
// Workers runtime and the Stripe stand-in as Stripe. Timings are reported, never asserted.
// Two tables: throughput on loopback (autocannon, several concurrencies), and each request's
// network round trips to the database, measured through a latency proxy between the workers and
// the database bridge (where Neon's proxy would be).
const JWT_SECRET = 'bench-buyer-token-secret-0123456789abcdef0123';
const WEBHOOK_SECRET = 'whsec_bench0123456789abcdef';
const STRIPE_KEY = 'sk_test_bench_local_stack';
// Per request kind and condition: p50 settles long before this many requests; it also bounds the
// state prepared for the kinds that use something up per request (open checkouts).
const MAX_LATENCY_REQUESTS = 300;
const WARM_UP_REQUESTS = 2;

function readPositiveNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`pnpm bench: ${name} must be a number > 0, not ${raw}`);
    process.exit(1);
  }
  return value;
}
const SECONDS = readPositiveNumber('BENCH_SECONDS', 5);
const ROUND_TRIP_MS = readPositiveNumber('BENCH_DB_RTT_MS', 20);
// A safety net, about twice a normal run (21 × BENCH_SECONDS + about 60 s): whatever hangs, the
// run ends there, the scratch database is dropped and every process stopped.
const WATCHDOG_MS = 120_000 + 30_000 * SECONDS;

const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  console.error(
    'pnpm bench: set DATABASE_URL to a Postgres server (e.g. postgres://postgres@127.0.0.1:5432/postgres); the embedded database serialises connections, so its timings mean nothing.',
  );
  process.exit(1);
}
const server = new URL(serverUrl);
if (!isLoopbackHost(server.hostname)) {
  console.error(
    'pnpm bench: DATABASE_URL must name a Postgres server on this machine (loopback): the workers reach it through the local bridge, behind the latency proxy that makes round trips visible.',
  );
  process.exit(1);
}

// Everything started below registers how to stop it; cleanUp runs them newest first, exactly once,
// whatever ended the run (success, an error, a signal, the watchdog).
const cleanups: Array<{ what: string; run: () => Promise<unknown> }> = [];
let cleaning: Promise<void> | undefined;
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const { what, run } of cleanups.reverse()) {
      await run().catch((error: unknown) => console.error(`pnpm bench: ${what} failed:`, error));
    }
  })();
  return cleaning;
}
const abort = (reason: unknown, code: number) => {
  console.error(reason);
  void cleanUp().finally(() => process.exit(code));
};
process.on('uncaughtException', (error) => abort(error, 1));
process.on('unhandledRejection', (error) => abort(error, 1));
process.once('SIGINT', () => abort('pnpm bench: interrupted, cleaning up', 130));
process.once('SIGTERM', () => abort('pnpm bench: terminated, cleaning up', 143));
setTimeout(
  () => abort(`pnpm bench: still running after ${WATCHDOG_MS / 1000} s, giving up`, 1),
  WATCHDOG_MS,
).unref();

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

const bearer = async (customerId: string) =>
  `Bearer ${await signBuyerToken({ secret: JWT_SECRET, customerId })}`;
const tokens = async (prefix: string, count: number) =>
  Promise.all(Array.from({ length: count }, (_, index) => bearer(`${prefix}_${index}`)));
const json = { 'content-type': 'application/json' };

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
 * Marks a session paid in the Stripe stand-in and returns the body of its
 * `checkout.session.completed` event (unsigned: `signed` makes the headers just before sending).
 */
function completionEvent(stub: StripeStub, sessionId: string, key: string): string {
  const { payment_intent_data: _stubOnly, ...session } = stub.updateSession(sessionId, {
    status: 'complete',
    payment_status: 'paid',
    payment_intent: `pi_bench_${key}`,
  });
  return JSON.stringify({
    id: `evt_bench_${key}`,
    object: 'event',
    type: 'checkout.session.completed',
    data: { object: session },
  });
}
const signed = (payload: string) => ({
  ...json,
  'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
});

interface ThroughputRow {
  scenario: string;
  connections: number;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

interface BenchContext {
  stack: LocalStack;
  stub: StripeStub;
  db: DatabaseClient;
  buyerHeaders: Record<string, string>;
}

/**
 * Throughput on loopback (no added latency): floor and access check at 1, 10 and 50 connections,
 * then checkouts and webhooks at 10. Kept because it is cheap (about 45 s at the defaults) and
 * shows what concurrency does to one local workerd.
 */
async function measureThroughput({ stack, stub, db, buyerHeaders }: BenchContext) {
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
    options: Omit<autocannon.Options, 'url' | 'connections'> & { path?: string },
  ) => {
    const { path = '', ...rest } = options;
    const result = await autocannon({
      url: `${stack.checkoutUrl}${path}`,
      connections,
      ...rest,
    } as autocannon.Options);
    return record(scenario, connections, result);
  };

  // 1. Access check against its floor, side by side at each concurrency.
  const ratios: Array<{ connections: number; latencyRatio: number; throughputRatio: number }> = [];
  for (const connections of [1, 10, 50]) {
    const floor = await run('floor (auth + SELECT 1)', connections, {
      path: '/api/bench/floor',
      headers: buyerHeaders,
      duration: SECONDS,
    });
    const access = await run('access check', connections, {
      path: `/api/purchases/access/${demoIds.paidContent}`,
      headers: buyerHeaders,
      duration: SECONDS,
    });
    ratios.push({
      connections,
      latencyRatio: Number((access.p50 / Math.max(floor.p50, 1)).toFixed(2)),
      throughputRatio: Number((floor.rps / Math.max(access.rps, 1)).toFixed(2)),
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
    duration: SECONDS,
    requests: webhookRequest(signedEvents.slice(0, 1)),
  });
  return { rows, ratios };
}

const ms = (value: number) => (Number.isNaN(value) ? '–' : value.toFixed(1));

interface LatencyScenario {
  name: string;
  /** The next request of this scenario (built untimed), or undefined when its state is used up. */
  next: () => PreparedRequest | undefined | Promise<PreparedRequest | undefined>;
  isExpected: (status: number, body: string) => boolean;
}

interface LatencyRow {
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

const hasJson = (expected: Record<string, unknown>) => (body: string) => {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const data = (parsed.data ?? parsed) as Record<string, unknown>;
    return Object.entries(expected).every(([key, value]) => data[key] === value);
  } catch {
    return false;
  }
};

/** Pending purchases with open Checkout Sessions, one customer each, made in this process. */
async function makeOpenCheckouts(
  { db, stub }: BenchContext,
  count: number,
): Promise<Array<{ customerId: string; sessionId: string }>> {
  // The same service the worker runs, so the rows are exactly what a checkout leaves behind.
  const purchases = new PurchaseService({
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
 * Each request kind at one connection (sequential requests), alternating request by request between
 * the proxy passing bytes straight through and every database round trip costing ROUND_TRIP_MS:
 * the difference of the two medians, divided by ROUND_TRIP_MS, is the number of round trips the
 * request waits for.
 */
async function measureRoundTrips(
  context: BenchContext,
  setRoundTrip: (ms: number) => void,
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
      name: 'checkout, new session',
      next: async () =>
        checkoutAs(await bearer(`user_bench_latency_${customers++}`), demoIds.paidContent),
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
  ];

  const rows: LatencyRow[] = [];
  for (const scenario of scenarios) {
    const [atZero, atRoundTrip] = await measureSequentialLatency({
      next: scenario.next,
      isExpected: scenario.isExpected,
      conditions: [() => setRoundTrip(0), () => setRoundTrip(ROUND_TRIP_MS)],
      seconds: 2 * SECONDS,
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
      roundTrips: Number(((atRoundTrip.p50 - atZero.p50) / ROUND_TRIP_MS).toFixed(1)),
      unexpected: atZero.unexpected + atRoundTrip.unexpected,
    };
    rows.push(row);
    const firstUnexpected = atZero.firstUnexpected ?? atRoundTrip.firstUnexpected;
    console.log(
      `${scenario.name.padEnd(34)} p50 ${ms(row.p50AtZero)} ms at 0, ${ms(row.p50AtRoundTrip)} ms at ${ROUND_TRIP_MS} ms RTT: ${row.roundTrips} round trips (${row.requestsAtZero} + ${row.requestsAtRoundTrip} requests)${firstUnexpected ? `  UNEXPECTED ${row.unexpected}: ${firstUnexpected}` : ''}`,
    );
  }
  return rows;
}

/**
 * Bundles, as `wrangler deploy --dry-run --minify` builds them, next to a worker that only imports
 * the same npm dependencies (what our own code adds is the difference).
 */
async function measureBundles() {
  const DEPENDENCIES = ['hono', 'stripe', 'zod', 'drizzle-orm', '@neondatabase/serverless'];
  async function bundleSize(dir: string, extraArgs: string[] = []) {
    const outdir = await mkdtemp(join(tmpdir(), 'codex-bundle-'));
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          join(dir, 'node_modules/wrangler/bin/wrangler.js'),
          'deploy',
          '--dry-run',
          '--minify',
          '--outdir',
          outdir,
          ...extraArgs,
        ],
        { cwd: dir, env: { ...process.env, WRANGLER_SEND_METRICS: 'false' }, timeout: 120_000 },
      );
      const match = stdout.match(/Total Upload: ([\d.]+ KiB) \/ gzip: ([\d.]+ KiB)/);
      return { raw: match?.[1] ?? '?', gzip: match?.[2] ?? '?' };
    } finally {
      await rm(outdir, { recursive: true, force: true });
    }
  }
  const bundles: Array<{
    worker: string;
    raw: string;
    gzip: string;
    dependenciesRaw: string;
    dependenciesGzip: string;
  }> = [];
  for (const [worker, dir] of Object.entries(workerDirs)) {
    const own = await bundleSize(dir);
    // Written inside the worker's folder, so its node_modules resolve the same versions.
    const entry = join(dir, '.bench-dependencies.ts');
    // Each dependency from whichever workspace package declares it (the database driver and
    // Drizzle come in through @codex/database).
    const resolvers = [dir, join(repositoryRoot, 'packages/database')].map((base) =>
      createRequire(join(base, 'package.json')),
    );
    const resolve = (name: string) => {
      for (const resolver of resolvers) {
        try {
          return resolver.resolve(name);
        } catch {
          // Not declared there; try the next package.
        }
      }
      return name;
    };
    const imports = DEPENDENCIES.map(
      (name, index) => `import * as d${index} from '${resolve(name)}';`,
    );
    const used = DEPENDENCIES.map((_, index) => `d${index}`).join(', ');
    await writeFile(
      entry,
      `${imports.join('\n')}\nexport default { fetch: () => new Response(String([${used}].length)) };\n`,
    );
    try {
      const dependencies = await bundleSize(dir, [entry]);
      bundles.push({
        worker,
        ...own,
        dependenciesRaw: dependencies.raw,
        dependenciesGzip: dependencies.gzip,
      });
    } finally {
      await rm(entry, { force: true });
    }
  }
  return bundles;
}

async function main() {
  const bridge = await startDatabaseBridge();
  cleanups.push({ what: 'stopping the bridge', run: () => bridge.close() });
  const driver = {
    webSocketConstructor: ws as unknown as WebSocketConstructor,
    webSocketProxy: bridge.webSocketProxy,
  };
  const admin = createDatabaseClient({ connectionString: server.toString(), ...driver });
  cleanups.push({ what: 'closing the admin connection', run: () => admin.close() });
  const [{ version } = { version: '' }] = (
    await admin.db.execute<{ version: string }>(sql`SELECT version() AS version`)
  ).rows;
  if (/emscripten|wasm/i.test(version)) {
    throw new Error(
      'pnpm bench: DATABASE_URL points at an embedded PGlite; its timings mean nothing. Use a Postgres server.',
    );
  }
  const benchDatabase = `codex_bench_${Date.now().toString(36)}`;
  await admin.db.execute(sql.raw(`CREATE DATABASE "${benchDatabase}"`));
  cleanups.push({
    what: `dropping ${benchDatabase}`,
    run: () => admin.db.execute(sql.raw(`DROP DATABASE IF EXISTS "${benchDatabase}" WITH (FORCE)`)),
  });
  const benchUrl = new URL(server);
  benchUrl.pathname = `/${benchDatabase}`;

  // The proxy stands where the network is in production: between the workers and the database's
  // front door (Neon's proxy; here the bridge, which serves both the WebSocket tunnel and SQL
  // over HTTP). One HTTP request then pays one round trip, as on Neon, and a WebSocket pays its
  // upgrade, start-up and every statement.
  const bridgePort = await freePort();
  const proxy = await startLatencyProxy({
    target: { host: '127.0.0.1', port: bridgePort },
    oneWayDelayMs: 0,
  });
  cleanups.push({ what: 'stopping the latency proxy', run: () => proxy.close() });

  const stub = await startStripeStub();
  cleanups.push({ what: 'stopping the Stripe stand-in', run: () => stub.close() });
  const started = performance.now();
  const stack = await startLocalStack({
    databaseUrl: benchUrl.toString(),
    ports: {
      checkout: await freePort(),
      webhooks: await freePort(),
      bridge: bridgePort,
      database: await freePort(),
    },
    vars: {
      ENVIRONMENT: 'development',
      AUTH_JWT_SECRET: JWT_SECRET,
      STRIPE_SECRET_KEY: STRIPE_KEY,
      STRIPE_WEBHOOK_SECRET_PAYMENT: WEBHOOK_SECRET,
      STRIPE_API_BASE: stub.url,
      DATABASE_WS_PROXY: `127.0.0.1:${proxy.port}/v1`,
      DATABASE_HTTP_ENDPOINT: `http://127.0.0.1:${proxy.port}/sql`,
    },
    log: () => undefined,
  });
  cleanups.push({ what: 'stopping the workers', run: () => stack.stop() });
  const startupMs = performance.now() - started;
  // The bench's own reads and writes go straight to the server, never through the proxy.
  const db = createDatabaseClient({ connectionString: benchUrl.toString(), ...driver });
  cleanups.push({ what: 'closing the bench connection', run: () => db.close() });

  const buyer = 'user_bench_buyer';
  await db.db.insert(contentPurchases).values({
    customerId: buyer,
    contentId: demoIds.paidContent,
    organizationId: demoIds.organization,
    pricePaidCents: 1_500,
    currency: 'usd',
    status: 'completed',
    purchasedAt: new Date(),
  });
  const buyerHeaders = { authorization: await bearer(buyer) };
  // A benchmark of error answers measures nothing: check each route answers 2xx first.
  for (const path of ['/api/bench/floor', `/api/purchases/access/${demoIds.paidContent}`]) {
    const probe = await fetch(`${stack.checkoutUrl}${path}`, { headers: buyerHeaders });
    if (!probe.ok) {
      throw new Error(`pnpm bench: ${path} answered ${probe.status}: ${await probe.text()}`);
    }
  }
  const context = { stack, stub, db, buyerHeaders };

  const throughput = await measureThroughput(context);
  console.log('');
  const latency = await measureRoundTrips(context, (roundTripMs) =>
    proxy.setDelay(roundTripMs / 2),
  );
  const bundles = await measureBundles();

  const summary = {
    at: new Date().toISOString(),
    server: version.split(' ').slice(0, 2).join(' '),
    startupMs: Math.round(startupMs),
    seconds: SECONDS,
    roundTripMs: ROUND_TRIP_MS,
    rows: throughput.rows,
    ratios: throughput.ratios,
    latency,
    bundles,
  };
  const dir = join(repositoryRoot, '.bench');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `bench-${Date.now()}.json`);
  await writeFile(file, JSON.stringify(summary, null, 2));

  console.log('\nThroughput on loopback (no added latency):\n');
  console.log('| scenario | connections | requests | req/s | p50 ms | p99 ms | non-2xx |');
  console.log('|---|---|---|---|---|---|---|');
  for (const row of throughput.rows)
    console.log(
      `| ${row.scenario} | ${row.connections} | ${row.requests} | ${row.rps} | ${row.p50} | ${row.p99} | ${row.non2xx} |`,
    );
  console.log('\n| connections | access p50 ÷ floor p50 | floor req/s ÷ access req/s |');
  console.log('|---|---|---|');
  for (const ratio of throughput.ratios)
    console.log(`| ${ratio.connections} | ${ratio.latencyRatio} | ${ratio.throughputRatio} |`);

  console.log(
    `\nDatabase round trips (1 connection, sequential requests; round trips = (p50 at ${ROUND_TRIP_MS} ms − p50 at 0) / ${ROUND_TRIP_MS}):\n`,
  );
  console.log(
    `| request | p50 ms at 0 | p50 ms at ${ROUND_TRIP_MS} ms RTT | round trips | requests (0 / ${ROUND_TRIP_MS} ms) | unexpected answers |`,
  );
  console.log('|---|---|---|---|---|---|');
  for (const row of latency)
    console.log(
      `| ${row.scenario} | ${ms(row.p50AtZero)} | ${ms(row.p50AtRoundTrip)} | ${Number.isNaN(row.roundTrips) ? '–' : row.roundTrips.toFixed(1)} | ${row.requestsAtZero} / ${row.requestsAtRoundTrip} | ${row.unexpected} |`,
    );

  console.log(`\nstart-up of both workers (wrangler dev, to /health): ${summary.startupMs} ms`);
  for (const bundle of bundles) {
    console.log(
      `bundle ${bundle.worker}: ${bundle.raw} raw / ${bundle.gzip} gzip; its npm dependencies alone: ${bundle.dependenciesRaw} / ${bundle.dependenciesGzip}`,
    );
  }
  console.log(`\nwritten to ${file}`);

  const failed = [
    ...throughput.rows.filter((row) => row.non2xx + row.errors > 0).map((row) => row.scenario),
    ...latency.filter((row) => row.unexpected > 0).map((row) => row.scenario),
  ];
  if (failed.length > 0) {
    console.error(`pnpm bench: unexpected answers in: ${failed.join(', ')}; their figures mislead`);
    process.exitCode = 1;
  }
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
