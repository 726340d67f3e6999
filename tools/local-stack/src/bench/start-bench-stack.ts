import {
  contentPurchases,
  createDatabaseClient,
  type DatabaseClient,
  sql,
  type WebSocketConstructor,
} from '@codex/database';
import { isLoopbackHost, startDatabaseBridge } from '@codex/database/node';
import { type StripeStub, startStripeStub } from '@codex/local-stripe';
import { signBuyerToken } from '@codex/security';
import Stripe from 'stripe';
import ws from 'ws';
import { demoIds } from '../demo-data';
import { startLatencyProxy } from '../latency-proxy';
import { type LocalStack, startLocalStack } from '../start-local-stack';
import { freePort } from '../start-on-free-ports';

/** The buyer-token secret both the bench and the checkout worker use. */
export const JWT_SECRET = 'bench-buyer-token-secret-0123456789abcdef0123';
/** The webhook worker's signing secret; the bench signs its events with it. */
export const WEBHOOK_SECRET = 'whsec_bench0123456789abcdef';
/** The key the workers and the bench give the Stripe stand-in. */
export const STRIPE_KEY = 'sk_test_bench_local_stack';

/** What `pnpm bench` reads from the environment. */
export interface BenchSettings {
  /** `BENCH_SECONDS`: each timed throughput run's length; each round-trip scenario runs 2 × this. */
  seconds: number;
  /** `BENCH_DB_RTT_MS`: round trip added between the workers and the database. */
  roundTripMs: number;
  /** When the run gives up, whatever hangs. */
  watchdogMs: number;
  /** `DATABASE_URL`: a Postgres server on loopback. */
  server: URL;
}

function readPositiveNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`pnpm bench: ${name} must be a number > 0, not ${raw}`);
    process.exit(1);
  }
  return value;
}

/**
 * Reads `BENCH_SECONDS`, `BENCH_DB_RTT_MS` and `DATABASE_URL`. Exits the process with a message
 * when a number is not > 0 or `DATABASE_URL` is missing or names a server off this machine.
 */
export function readBenchSettings(): BenchSettings {
  const seconds = readPositiveNumber('BENCH_SECONDS', 5);
  const roundTripMs = readPositiveNumber('BENCH_DB_RTT_MS', 20);
  // A safety net, about twice a normal run (21 × BENCH_SECONDS + about 60 s): whatever hangs, the
  // run ends there, the scratch database is dropped and every process stopped.
  const watchdogMs = 120_000 + 30_000 * seconds;

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
  return { seconds, roundTripMs, watchdogMs, server };
}

/** How to stop what the bench started. */
export interface BenchCleanups {
  /** Registers how to stop something just started. */
  add: (what: string, run: () => Promise<unknown>) => void;
  /** Runs the registered cleanups, newest first, exactly once; a failing one is reported. */
  cleanUp: () => Promise<void>;
}

/**
 * The bench's cleanups, run whatever ended the run: success, an error, a signal (exit 130 or 143)
 * or the watchdog after `watchdogMs` (exit 1). Installs the process handlers that do this.
 */
export function createBenchCleanups(watchdogMs: number): BenchCleanups {
  const cleanups: Array<{ what: string; run: () => Promise<unknown> }> = [];
  let cleaning: Promise<void> | undefined;
  const cleanUp = () => {
    cleaning ??= (async () => {
      for (const { what, run } of cleanups.reverse()) {
        await run().catch((error: unknown) => console.error(`pnpm bench: ${what} failed:`, error));
      }
    })();
    return cleaning;
  };
  const abort = (reason: unknown, code: number) => {
    console.error(reason);
    void cleanUp().finally(() => process.exit(code));
  };
  process.on('uncaughtException', (error) => abort(error, 1));
  process.on('unhandledRejection', (error) => abort(error, 1));
  process.once('SIGINT', () => abort('pnpm bench: interrupted, cleaning up', 130));
  process.once('SIGTERM', () => abort('pnpm bench: terminated, cleaning up', 143));
  setTimeout(
    () => abort(`pnpm bench: still running after ${watchdogMs / 1000} s, giving up`, 1),
    watchdogMs,
  ).unref();
  return {
    add: (what, run) => {
      cleanups.push({ what, run });
    },
    cleanUp,
  };
}

/** `Authorization` header value of a buyer token for `customerId`. */
export const bearer = async (customerId: string) =>
  `Bearer ${await signBuyerToken({ secret: JWT_SECRET, customerId })}`;

/** `count` bearer values, for customers `<prefix>_0` … `<prefix>_<count − 1>`. */
export const tokens = async (prefix: string, count: number) =>
  Promise.all(Array.from({ length: count }, (_, index) => bearer(`${prefix}_${index}`)));

/** The header of a JSON body. */
export const json = { 'content-type': 'application/json' };

/**
 * Marks a session paid in the Stripe stand-in and returns the body of its
 * `checkout.session.completed` event (unsigned: `signed` makes the headers just before sending).
 */
export function completionEvent(stub: StripeStub, sessionId: string, key: string): string {
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

/** The headers of a webhook delivery of `payload`, signed now with {@link WEBHOOK_SECRET}. */
export const signed = (payload: string) => ({
  ...json,
  'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
});

/** What every measurement gets: the running stack, the Stripe stand-in, the database, a buyer. */
export interface BenchContext {
  stack: LocalStack;
  stub: StripeStub;
  /** The scratch database, reached directly (never through the latency proxy). */
  db: DatabaseClient;
  /** Headers of a buyer who owns the paid demo item. */
  buyerHeaders: Record<string, string>;
}

/** A started bench: what the measurements need and what the report says about the start. */
export interface BenchStack {
  context: BenchContext;
  /** The server's `version()`. */
  version: string;
  /** From starting the workers to both answering `/health`. */
  startupMs: number;
  /** Sets the round trip the latency proxy adds between the workers and the database. */
  setRoundTrip: (roundTripMs: number) => void;
}

/**
 * Starts what `pnpm bench` measures, as `pnpm dev` does but on a scratch database of the server
 * and with the Stripe stand-in as Stripe: the bridge, the latency proxy in front of it, both
 * workers. Seeds a buyer who owns the paid demo item and checks the measured routes answer 2xx.
 * Each part registers its cleanup in `cleanups` as it starts (the scratch database is dropped).
 * Throws when the server is an embedded PGlite or a route answers otherwise.
 */
export async function startBenchStack(
  settings: BenchSettings,
  cleanups: BenchCleanups,
): Promise<BenchStack> {
  const { server } = settings;
  const bridge = await startDatabaseBridge();
  cleanups.add('stopping the bridge', () => bridge.close());
  const driver = {
    webSocketConstructor: ws as unknown as WebSocketConstructor,
    webSocketProxy: bridge.webSocketProxy,
  };
  const admin = createDatabaseClient({ connectionString: server.toString(), ...driver });
  cleanups.add('closing the admin connection', () => admin.close());
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
  cleanups.add(`dropping ${benchDatabase}`, () =>
    admin.db.execute(sql.raw(`DROP DATABASE IF EXISTS "${benchDatabase}" WITH (FORCE)`)),
  );
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
  cleanups.add('stopping the latency proxy', () => proxy.close());

  const stub = await startStripeStub();
  cleanups.add('stopping the Stripe stand-in', () => stub.close());
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
  cleanups.add('stopping the workers', () => stack.stop());
  const startupMs = performance.now() - started;
  // The bench's own reads and writes go straight to the server, never through the proxy.
  const db = createDatabaseClient({ connectionString: benchUrl.toString(), ...driver });
  cleanups.add('closing the bench connection', () => db.close());

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
  return {
    context: { stack, stub, db, buyerHeaders },
    version,
    startupMs,
    setRoundTrip: (roundTripMs) => proxy.setDelay(roundTripMs / 2),
  };
}
