import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentPurchases, type DatabaseClient } from '@codex/database';
import type { StripeStub } from '@codex/local-stripe';
import { signBuyerToken } from '@codex/security';
import { demoIds } from '../demo-data';
import { createDemoMedia, DEMO_MEDIA_TYPE } from '../media-gate/demo-media';
import { type MediaGate, startMediaGate } from '../media-gate/start-media-gate';
import { type CommandCleanups, createCommandCleanups } from '../scratch-stack/command-cleanups';
import { readPositiveNumber, readScratchServer } from '../scratch-stack/read-scratch-server';
import { JWT_SECRET, startScratchStack } from '../scratch-stack/start-scratch-stack';
import type { LocalStack } from '../start-local-stack';
import { freePort, startOnFreePorts } from '../start-on-free-ports';
import { createFreshPlaybackGrant, issuePlaybackGrant } from './fresh-playback-grant';
import { PLAYBACK_RANGE, verifiedPlayPath } from './playback-grant-scenarios';

export {
  JWT_SECRET,
  json,
  STRIPE_KEY,
  signed,
  WEBHOOK_SECRET,
} from '../scratch-stack/start-scratch-stack';

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

/**
 * Reads `BENCH_SECONDS`, `BENCH_DB_RTT_MS` and `DATABASE_URL`. Exits the process with a message
 * when a number is not > 0 or `DATABASE_URL` is missing or names a server off this machine.
 */
export function readBenchSettings(): BenchSettings {
  const seconds = readPositiveNumber('pnpm bench', 'BENCH_SECONDS', 5);
  const roundTripMs = readPositiveNumber('pnpm bench', 'BENCH_DB_RTT_MS', 20);
  // A safety net, about twice a normal run (32 × BENCH_SECONDS + about 70 s): whatever hangs, the
  // run ends there, the scratch database is dropped and every process stopped.
  const watchdogMs = 180_000 + 60_000 * seconds;
  const server = readScratchServer('pnpm bench', 'its timings mean nothing');
  return { seconds, roundTripMs, watchdogMs, server };
}

/** How to stop what the bench started. */
export type BenchCleanups = CommandCleanups;

/**
 * The bench's cleanups, run whatever ended the run: success, an error, a signal (exit 130 or 143)
 * or the watchdog after `watchdogMs` (exit 1). Installs the process handlers that do this.
 */
export const createBenchCleanups = (watchdogMs: number): BenchCleanups =>
  createCommandCleanups('pnpm bench', watchdogMs);

/** `Authorization` header value of a buyer token for `customerId`. */
export const bearer = async (customerId: string) =>
  `Bearer ${await signBuyerToken({ secret: JWT_SECRET, customerId })}`;

/** `count` bearer values, for customers `<prefix>_0` … `<prefix>_<count − 1>`. */
export const tokens = async (prefix: string, count: number) =>
  Promise.all(Array.from({ length: count }, (_, index) => bearer(`${prefix}_${index}`)));

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

/** What every measurement gets: the running stack, the Stripe stand-in, the database, a buyer. */
export interface BenchContext {
  stack: LocalStack;
  stub: StripeStub;
  /** The scratch database, reached directly (never through the latency proxy). */
  db: DatabaseClient;
  /** Headers of a buyer who owns the paid demo item. */
  buyerHeaders: Record<string, string>;
  /** The media gate (`wrangler dev`), serving the paid demo item's media with a valid grant. */
  mediaGateUrl: string;
  /**
   * A playback grant of the buyer for the paid demo item, issued by the checkout worker and
   * replaced when older than {@link PLAYBACK_GRANT_MAX_AGE_MS}: fetch it untimed, then measure.
   */
  playbackGrant: () => Promise<string>;
  /** The JWKS the checkout worker's grants verify with (one line of JSON). */
  playbackGrantPublicKeys: string;
}

// Grants live PLAYBACK_GRANT_LIFETIME_SECONDS; the bench sets the most a verifier accepts (300 s)
// so that one grant outlives a whole throughput run (autocannon sends one URL for the run) even
// at a long BENCH_SECONDS, and replaces the grant in hand once it is a minute old, so no run sends
// an expired one. The lifetime changes nothing that is measured: signing costs the same.
const PLAYBACK_GRANT_LIFETIME_SECONDS = 300;
const PLAYBACK_GRANT_MAX_AGE_MS = 60_000;

/**
 * Starts the media gate on a free port with the paid demo item's media in a local bucket under a
 * temporary directory, both removed by `cleanups`.
 */
async function startBenchMediaGate(
  publicKeys: string,
  cleanups: BenchCleanups,
): Promise<MediaGate> {
  const persistDir = await mkdtemp(join(tmpdir(), 'codex-bench-media-gate-'));
  cleanups.add('removing the media gate’s bucket', () =>
    rm(persistDir, { recursive: true, force: true }),
  );
  // Its start-up lines only (a port taken, a crash): the request lines of the run are dropped.
  const output: string[] = [];
  let isStarted = false;
  const gate = await startOnFreePorts(
    async () =>
      startMediaGate({
        port: await freePort(),
        publicKeys,
        persistDir,
        media: [
          {
            contentId: demoIds.paidContent,
            bytes: createDemoMedia(),
            contentType: DEMO_MEDIA_TYPE,
          },
        ],
        log: (line) => {
          if (!isStarted) output.push(line);
        },
      }),
    { output: () => output },
  );
  isStarted = true;
  cleanups.add('stopping the media gate', () => gate.stop());
  return gate;
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
 * workers, and the media gate verifying the checkout worker's playback grants. Seeds a buyer who
 * owns the paid demo item and checks the measured routes answer 2xx (the gate 206 to a range).
 * Each part registers its cleanup in `cleanups` as it starts (the scratch database is dropped).
 * Throws when the server is an embedded PGlite or a route answers otherwise.
 */
export async function startBenchStack(
  settings: BenchSettings,
  cleanups: BenchCleanups,
): Promise<BenchStack> {
  const { stack, stub, db, version, startupMs, proxy, playbackGrantPublicKeys } =
    await startScratchStack({
      name: 'bench',
      server: settings.server,
      cleanups,
      vars: { PLAYBACK_GRANT_LIFETIME_SECONDS: String(PLAYBACK_GRANT_LIFETIME_SECONDS) },
    });
  const mediaGate = await startBenchMediaGate(playbackGrantPublicKeys, cleanups);

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
  // Throws unless the grant route answers 200 with a grant.
  const playbackGrant = createFreshPlaybackGrant({
    issue: () => issuePlaybackGrant(stack.checkoutUrl, buyerHeaders, demoIds.paidContent),
    maxAgeMs: PLAYBACK_GRANT_MAX_AGE_MS,
  });
  const play = await fetch(`${mediaGate.url}${verifiedPlayPath(await playbackGrant())}`, {
    headers: { range: PLAYBACK_RANGE },
  });
  if (play.status !== 206) {
    throw new Error(`pnpm bench: the media gate answered ${play.status}: ${await play.text()}`);
  }
  await play.arrayBuffer();
  return {
    context: {
      stack,
      stub,
      db,
      buyerHeaders,
      mediaGateUrl: mediaGate.url,
      playbackGrant,
      playbackGrantPublicKeys,
    },
    version,
    startupMs,
    setRoundTrip: (roundTripMs) => proxy.setDelay(roundTripMs / 2),
  };
}
