import {
  createDatabaseClient,
  type DatabaseClient,
  sql,
  type WebSocketConstructor,
} from '@codex/database';
import { startDatabaseBridge } from '@codex/database/node';
import { type StripeStub, startStripeStub } from '@codex/local-stripe';
import Stripe from 'stripe';
import ws from 'ws';
import { generatePlaybackGrantDevVars } from '../dev-vars';
import { type LatencyProxy, startLatencyProxy } from '../latency-proxy';
import {
  type LocalStack,
  type StartLocalStackOptions,
  startLocalStack,
} from '../start-local-stack';
import { freePort } from '../start-on-free-ports';
import type { CommandCleanups } from './command-cleanups';

/** The buyer-token secret the checkout worker of a scratch stack verifies; its driver signs with it. */
export const JWT_SECRET = 'bench-buyer-token-secret-0123456789abcdef0123';
/** The webhook worker's signing secret; the driver signs its events with it. */
export const WEBHOOK_SECRET = 'whsec_bench0123456789abcdef';
/** The key the workers and the driver give the Stripe stand-in. */
export const STRIPE_KEY = 'sk_test_bench_local_stack';

/** The header of a JSON body. */
export const json = { 'content-type': 'application/json' };

/** The headers of a webhook delivery of `payload`, signed now with {@link WEBHOOK_SECRET}. */
export const signed = (payload: string) => ({
  ...json,
  'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
});

export interface StartScratchStackOptions {
  /** `bench` or `soak`: names the scratch database (`codex_<name>_…`) and the messages. */
  name: string;
  /** A Postgres server on loopback (`DATABASE_URL`). */
  server: URL;
  cleanups: CommandCleanups;
  /** More bindings for both workers (they win over the scratch stack's own). */
  vars?: Record<string, string>;
  /** Receives every line the workers print. Default: dropped. */
  log?: (line: string) => void;
  /** Told when a worker exits before the cleanups stop it (see `startLocalStack`). */
  onWorkerExit?: StartLocalStackOptions['onWorkerExit'];
}

/** A scratch stack: what a driver of the workers needs. */
export interface ScratchStack {
  stack: LocalStack;
  /** The Stripe stand-in both workers talk to, in this process. */
  stub: StripeStub;
  /**
   * The scratch database, reached directly (never through the latency proxy), on connections
   * named `codex_<name>_driver` (`application_name`).
   */
  db: DatabaseClient;
  /** The scratch database's connection string. */
  databaseUrl: URL;
  /** The server's `version()`. */
  version: string;
  /** From starting the workers to both answering `/health`. */
  startupMs: number;
  /** Between the workers and the database bridge, where Neon's proxy would be. */
  proxy: LatencyProxy;
  /**
   * The JWKS (one line of JSON) of the playback grant key the checkout worker signs with, made
   * for this run: what a media gate verifies the worker's grants with.
   */
  playbackGrantPublicKeys: string;
}

/**
 * Starts the stack as `pnpm dev` does, but on a scratch database of `server` and with the Stripe
 * stand-in as Stripe: the bridge, a latency proxy in front of it (no delay until `setDelay`), both
 * workers, the checkout worker with a playback grant key pair made for this run. Each part
 * registers its cleanup in `cleanups` as it starts (the scratch database is dropped). Throws when
 * the server is an embedded PGlite.
 */
export async function startScratchStack(options: StartScratchStackOptions): Promise<ScratchStack> {
  const { server, cleanups, name } = options;
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
      `pnpm ${name}: DATABASE_URL points at an embedded PGlite, which serialises connections. Use a Postgres server.`,
    );
  }
  const scratchDatabase = `codex_${name}_${Date.now().toString(36)}`;
  await admin.db.execute(sql.raw(`CREATE DATABASE "${scratchDatabase}"`));
  cleanups.add(`dropping ${scratchDatabase}`, () =>
    admin.db.execute(sql.raw(`DROP DATABASE IF EXISTS "${scratchDatabase}" WITH (FORCE)`)),
  );
  const databaseUrl = new URL(server);
  databaseUrl.pathname = `/${scratchDatabase}`;

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
  // A key pair per run, never the developer's `.dev.vars` one: the grant route answers as in
  // production, and nothing a run signs verifies anywhere else.
  const playbackGrantKeys = await generatePlaybackGrantDevVars();
  const started = performance.now();
  const stack = await startLocalStack({
    databaseUrl: databaseUrl.toString(),
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
      ...playbackGrantKeys,
      ...options.vars,
    },
    log: options.log ?? (() => undefined),
    ...(options.onWorkerExit ? { onWorkerExit: options.onWorkerExit } : {}),
  });
  cleanups.add('stopping the workers', () => stack.stop());
  const startupMs = performance.now() - started;
  // Named, so that a driver cutting the workers' connections can spare its own.
  const driverUrl = new URL(databaseUrl);
  driverUrl.searchParams.set('application_name', `codex_${name}_driver`);
  const db = createDatabaseClient({ connectionString: driverUrl.toString(), ...driver });
  cleanups.add(`closing the ${name} connection`, () => db.close());
  return {
    stack,
    stub,
    db,
    databaseUrl,
    version,
    startupMs,
    proxy,
    playbackGrantPublicKeys:
      options.vars?.PLAYBACK_GRANT_PUBLIC_KEYS ?? playbackGrantKeys.PLAYBACK_GRANT_PUBLIC_KEYS,
  };
}
