import { DEFAULT_SKEW_SECONDS } from '@codex/playback-grants';
import { signBuyerToken } from '@codex/security';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PlaybackGrantAnswer,
  startPlaybackGrantLoop,
} from '../demo-web/playback-grant-loop.js';
import { demoIds } from './demo-data';
import type { DevEnvironment } from './start-dev-environment';
import { buyAndPay, stubAction } from './testing/drive-dev-environment';
import {
  startTestDevEnvironment,
  type TestDevEnvironment,
} from './testing/start-test-dev-environment';

// The revocation bound, measured (issue 23): buyers play through the demo player's real grant
// loop (demo-web/playback-grant-loop.js) against what `pnpm dev` runs; each is refunded in full or
// disputed at a different moment of the refresh cycle; the time until the loop is refused must
// be at most one lifetime plus one refresh, every time. The lifetime is the shortest the checkout
// worker takes (10 s) instead of the default 60 s; nothing else differs.
const JWT_SECRET = 'revocation-buyer-token-secret-0123456789abcdef';
const LIFETIME_SECONDS = 10;
const REFRESH_MS = (LIFETIME_SECONDS * 1_000) / 2;
const BOUND_MS = LIFETIME_SECONDS * 1_000 + REFRESH_MS;
/** Four buyers, each ended this far into its refresh cycle: the whole cycle is covered. */
const PHASES_MS = [0, 1_250, 2_500, 3_750];
/** The time the webhook takes to reach the database after Stripe's change, allowed on top. */
const WEBHOOK_ALLOWANCE_MS = 2_000;

let environment: TestDevEnvironment | undefined;
const output: string[] = [];

beforeAll(async () => {
  environment = await startTestDevEnvironment({
    jwtSecret: JWT_SECRET,
    customerId: 'user_revocation_demo',
    grantLifetimeSeconds: LIFETIME_SECONDS,
    log: (line) => output.push(line),
  });
});

afterAll(async () => {
  await environment?.stop();
});

function running(): DevEnvironment {
  if (!environment) throw new Error('the dev environment did not start');
  return environment.dev;
}

/** The player's `requestGrant`: the grant route, with the demo page's transient/refused split. */
function grantRequester(token: string) {
  return async (): Promise<PlaybackGrantAnswer> => {
    const path = `/api/purchases/access/${demoIds.paidContent}/grant`;
    const response = await fetch(`${running().stack.checkoutUrl}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
    }).catch(() => undefined);
    const status = response?.status ?? 0;
    const body = (await response?.json().catch(() => undefined)) as
      | { data?: PlaybackGrantAnswer; error?: { code: string } }
      | undefined;
    if (response?.ok && body?.data) return body.data;
    throw Object.assign(new Error(body?.error?.code ?? `HTTP ${status}`), {
      code: body?.error?.code,
      isTransient: status === 0 || status === 429 || status >= 500,
    });
  };
}

/** The gate's answer to a range request with `grant`: the status and the refusal reason. */
async function askGate(grant: string) {
  const gate = running().mediaGate;
  if (!gate) throw new Error('the media gate did not start');
  const url = `${gate.url}/media/${demoIds.paidContent}?grant=${encodeURIComponent(grant)}`;
  const response = await fetch(url, { headers: { Range: 'bytes=0-1023' } });
  if (response.status !== 403) {
    await response.arrayBuffer();
    return { status: response.status, reason: undefined };
  }
  const { error } = (await response.json()) as { error: { reason: string } };
  return { status: response.status, reason: error.reason };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One buyer: buys, plays (the loop running, the gate serving its grant), is ended `phaseMs` after
 * the loop's first grant by `ending`, and measures how long until the loop is refused and until
 * the gate refuses the last grant the loop held.
 */
async function playUntilEnded(index: number, ending: 'refund' | 'dispute', phaseMs: number) {
  const token = await signBuyerToken({
    secret: JWT_SECRET,
    customerId: `user_revocation_${index}`,
  });
  const { paymentIntentId } = await buyAndPay(running(), token);
  let latest: PlaybackGrantAnswer | undefined;
  let firstGrant: () => void = () => {};
  const started = new Promise<void>((resolve) => (firstGrant = resolve));
  let refused: (error: unknown) => void = () => {};
  const refusal = new Promise<unknown>((resolve) => (refused = resolve));
  const loop = startPlaybackGrantLoop({
    requestGrant: grantRequester(token),
    onGrant: (answer) => {
      latest = answer;
      firstGrant();
    },
    onRefused: (error) => refused(error),
  });
  try {
    await started;
    if (!latest) throw new Error('no grant');
    expect(await askGate(latest.grant)).toEqual({ status: 206, reason: undefined });
    await sleep(phaseMs);

    const endedAt = Date.now();
    if (ending === 'refund') await stubAction(running(), 'create-refund', { paymentIntentId });
    else await stubAction(running(), 'open-dispute', { paymentIntentId });
    const error = await Promise.race([refusal, sleep(BOUND_MS + 5_000).then(() => 'timeout')]);
    const playerStoppedMs = Date.now() - endedAt;
    expect(error, `buyer ${index}: the loop was never refused`).toMatchObject({
      code: 'NO_ACCESS',
    });
    const lastGrant = latest.grant;
    let gate = await askGate(lastGrant);
    while (gate.status !== 403 && Date.now() - endedAt < BOUND_MS + 10_000) {
      await sleep(250);
      gate = await askGate(lastGrant);
    }
    const gateRefusedMs = Date.now() - endedAt;
    expect(gate).toEqual({ status: 403, reason: 'expired' });
    return { index, ending, phaseMs, playerStoppedMs, gateRefusedMs };
  } finally {
    loop.stop();
  }
}

describe('the revocation bound', () => {
  it(`the player is refused within one lifetime plus one refresh (${BOUND_MS / 1000} s at a ${LIFETIME_SECONDS} s lifetime), refunded or disputed at any moment of its refresh cycle`, {
    timeout: 120_000,
  }, async () => {
    const results = await Promise.all(
      PHASES_MS.map((phaseMs, index) =>
        playUntilEnded(index, index % 2 === 0 ? 'refund' : 'dispute', phaseMs),
      ),
    );
    console.log(
      `revocation bound (lifetime ${LIFETIME_SECONDS} s, refresh ${REFRESH_MS / 1000} s):\n${results
        .map(
          (r) =>
            `  ${r.ending} at +${r.phaseMs} ms: player refused after ${r.playerStoppedMs} ms, the gate refused its last grant after ${r.gateRefusedMs} ms`,
        )
        .join('\n')}`,
    );
    for (const result of results) {
      expect(result.playerStoppedMs, `player of buyer ${result.index}`).toBeLessThanOrEqual(
        BOUND_MS,
      );
      // A client that ignores the loop keeps its last grant until it expires, plus the
      // verifier's skew; that grant may be issued while the webhook is still on its way.
      expect(result.gateRefusedMs, `gate for buyer ${result.index}`).toBeLessThanOrEqual(
        LIFETIME_SECONDS * 1_000 + DEFAULT_SKEW_SECONDS * 1_000 + WEBHOOK_ALLOWANCE_MS,
      );
    }
  });
});
