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
  sql,
  type WebSocketConstructor,
} from '@codex/database';
import { isLoopbackHost, startDatabaseBridge } from '@codex/database/node';
import { signBuyerToken } from '@codex/security';
import { startStripeStub } from '@codex/test-utils';
import autocannon from 'autocannon';
import Stripe from 'stripe';
import ws from 'ws';
import { demoIds } from './demo-data';
import { repositoryRoot, startLocalStack, workerDirs } from './start-local-stack';

// `pnpm bench`: what each request costs, on a real Postgres server, with both workers in the
// Workers runtime and the Stripe stand-in as Stripe. Timings are reported, never asserted.
const JWT_SECRET = 'bench-buyer-token-secret-0123456789abcdef0123';
const WEBHOOK_SECRET = 'whsec_bench0123456789abcdef';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  console.error(
    'pnpm bench: set DATABASE_URL to a Postgres server (e.g. postgres://postgres@127.0.0.1:5432/postgres); the embedded database serialises connections, so its timings mean nothing.',
  );
  process.exit(1);
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

const bridge = await startDatabaseBridge();
const driver = {
  webSocketConstructor: ws as unknown as WebSocketConstructor,
  ...(isLoopbackHost(new URL(serverUrl).hostname) ? { webSocketProxy: bridge.webSocketProxy } : {}),
};
const admin = createDatabaseClient({ connectionString: serverUrl, ...driver });
const [{ version } = { version: '' }] = (
  await admin.db.execute<{ version: string }>(sql`SELECT version() AS version`)
).rows;
if (/emscripten|wasm/i.test(version)) {
  console.error(
    'pnpm bench: DATABASE_URL points at an embedded PGlite; its timings mean nothing. Use a Postgres server.',
  );
  process.exit(1);
}
const benchDatabase = `codex_bench_${Date.now().toString(36)}`;
await admin.db.execute(sql.raw(`CREATE DATABASE "${benchDatabase}"`));
const benchUrl = new URL(serverUrl);
benchUrl.pathname = `/${benchDatabase}`;

const stub = await startStripeStub();
const started = performance.now();
const stack = await startLocalStack({
  databaseUrl: benchUrl.toString(),
  ports: {
    checkout: await freePort(),
    webhooks: await freePort(),
    bridge: await freePort(),
    database: await freePort(),
  },
  vars: {
    ENVIRONMENT: 'development',
    AUTH_JWT_SECRET: JWT_SECRET,
    STRIPE_SECRET_KEY: 'sk_test_bench_local_stack',
    STRIPE_WEBHOOK_SECRET_PAYMENT: WEBHOOK_SECRET,
    STRIPE_API_BASE: stub.url,
  },
  log: () => undefined,
});
const startupMs = performance.now() - started;
const db = createDatabaseClient({ connectionString: benchUrl.toString(), ...driver });
// Whatever happens below, the scratch database and every process go away.
async function cleanUp() {
  await db.close();
  await stack.stop();
  await stub.close();
  await admin.db.execute(sql.raw(`DROP DATABASE IF EXISTS "${benchDatabase}" WITH (FORCE)`));
  await admin.close();
  await bridge.close();
}
process.on('uncaughtException', (error) => {
  console.error(error);
  void cleanUp().finally(() => process.exit(1));
});
process.on('unhandledRejection', (error) => {
  console.error(error);
  void cleanUp().finally(() => process.exit(1));
});

interface Row {
  scenario: string;
  connections: number;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}
const rows: Row[] = [];

async function run(
  scenario: string,
  connections: number,
  options: Omit<autocannon.Options, 'url' | 'connections'> & { path?: string },
): Promise<Row> {
  const { path = '', ...rest } = options;
  const result = await autocannon({
    url: `${stack.checkoutUrl}${path}`,
    connections,
    ...rest,
  } as autocannon.Options);
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
}

const bearer = async (customerId: string) =>
  `Bearer ${await signBuyerToken({ secret: JWT_SECRET, customerId })}`;
const tokens = async (prefix: string, count: number) =>
  Promise.all(Array.from({ length: count }, (_, index) => bearer(`${prefix}_${index}`)));

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

// 1. Access check against its floor, side by side at each concurrency.
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
    console.error(`pnpm bench: ${path} answered ${probe.status}: ${await probe.text()}`);
    process.exitCode = 1;
  }
}
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
const json = { 'content-type': 'application/json' };
const NEW = 200;
const newCustomers = await tokens('user_bench_new', NEW);
await run('checkout, new session', 10, {
  method: 'POST',
  amount: NEW,
  requests: [
    {
      method: 'POST',
      path: '/api/checkout',
      setupRequest: cycling(newCustomers, (authorization) => ({
        headers: { ...json, authorization },
        body: JSON.stringify({ contentId: demoIds.paidContent }),
      })),
    },
  ],
});
// The same customers again (each well under the 10-per-minute limit): their open sessions come back.
await run('checkout, open session reused', 10, {
  method: 'POST',
  amount: NEW,
  requests: [
    {
      method: 'POST',
      path: '/api/checkout',
      setupRequest: cycling(newCustomers, (authorization) => ({
        headers: { ...json, authorization },
        body: JSON.stringify({ contentId: demoIds.paidContent }),
      })),
    },
  ],
});
const freeCustomers = await tokens('user_bench_free', NEW);
await run('checkout, free content', 10, {
  method: 'POST',
  amount: NEW,
  requests: [
    {
      method: 'POST',
      path: '/api/checkout',
      setupRequest: cycling(freeCustomers, (authorization) => ({
        headers: { ...json, authorization },
        body: JSON.stringify({ contentId: demoIds.freeContent }),
      })),
    },
  ],
});

// 3. Webhooks: a distinct paid completion for each new session above, then one event repeated.
const pending = await db.db
  .select({ id: contentPurchases.id, sessionId: contentPurchases.stripeCheckoutSessionId })
  .from(contentPurchases)
  .where(
    sql`${contentPurchases.status} = 'pending' AND ${contentPurchases.stripeCheckoutSessionId} IS NOT NULL`,
  );
const signedEvents = pending.map(({ sessionId }, index) => {
  const { payment_intent_data: _stubOnly, ...session } = stub.updateSession(sessionId ?? '', {
    status: 'complete',
    payment_status: 'paid',
    payment_intent: `pi_bench_${index}`,
  });
  const payload = JSON.stringify({
    id: `evt_bench_${index}`,
    object: 'event',
    type: 'checkout.session.completed',
    data: { object: session },
  });
  return JSON.stringify({
    payload,
    signature: Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
  });
});
const webhookRequest = (events: string[]) => [
  {
    method: 'POST' as const,
    path: '/webhooks/stripe/payment',
    setupRequest: cycling(events, (entry) => {
      const { payload, signature } = JSON.parse(entry) as { payload: string; signature: string };
      return { headers: { ...json, 'stripe-signature': signature }, body: payload };
    }),
  },
];
const webhookRun = async (scenario: string, options: Omit<autocannon.Options, 'url'>) => {
  const result = await autocannon({ url: stack.webhooksUrl, ...options } as autocannon.Options);
  const row = {
    scenario,
    connections: options.connections ?? 10,
    requests: result.requests.total,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
  rows.push(row);
  console.log(
    `${scenario.padEnd(34)} c=${String(row.connections).padStart(2)}  ${String(row.rps).padStart(5)} req/s  p50 ${row.p50} ms  p99 ${row.p99} ms  non-2xx ${row.non2xx}`,
  );
};
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

// 4. Bundles, as `wrangler deploy --dry-run --minify` builds them, next to a worker that only
// imports the same npm dependencies (what our own code adds is the difference).
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
      { cwd: dir, env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } },
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
  // Each dependency from whichever workspace package declares it (the database driver and Drizzle
  // come in through @codex/database).
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

const summary = {
  at: new Date().toISOString(),
  server: version.split(' ').slice(0, 2).join(' '),
  startupMs: Math.round(startupMs),
  rows,
  ratios,
  bundles,
};
const dir = join(repositoryRoot, '.bench');
await mkdir(dir, { recursive: true });
const file = join(dir, `bench-${Date.now()}.json`);
await writeFile(file, JSON.stringify(summary, null, 2));

console.log('\n| scenario | connections | requests | req/s | p50 ms | p99 ms | non-2xx |');
console.log('|---|---|---|---|---|---|---|');
for (const row of rows)
  console.log(
    `| ${row.scenario} | ${row.connections} | ${row.requests} | ${row.rps} | ${row.p50} | ${row.p99} | ${row.non2xx} |`,
  );
console.log('\n| connections | access p50 ÷ floor p50 | floor req/s ÷ access req/s |');
console.log('|---|---|---|');
for (const ratio of ratios)
  console.log(`| ${ratio.connections} | ${ratio.latencyRatio} | ${ratio.throughputRatio} |`);
console.log(`\nstart-up of both workers (wrangler dev, to /health): ${summary.startupMs} ms`);
for (const bundle of bundles) {
  console.log(
    `bundle ${bundle.worker}: ${bundle.raw} raw / ${bundle.gzip} gzip; its npm dependencies alone: ${bundle.dependenciesRaw} / ${bundle.dependenciesGzip}`,
  );
}
console.log(`\nwritten to ${file}`);

await cleanUp();
