import { expect, it } from 'vitest';
import { createPlaybackGrantSigner } from './create-playback-grant-signer';
import { createPlaybackGrantVerifier } from './create-playback-grant-verifier';
import { generatePlaybackGrantKey } from './generate-playback-grant-key';

// Node only (see vitest.workerd.config.ts: workerd's clock stands still during crypto).
// The claim is verify's own cost, not the machine's load: the p50 of 1,000 verifications after a
// warm-up, best of up to three rounds, so a CI run sharing the cores does not fail it by accident.
const VERIFICATIONS = 1_000;
const WARM_UP = 300;
const ROUNDS = 3;
const P50_LIMIT_MS = 1;

const quantile = (sorted: number[], q: number) =>
  sorted[Math.floor(sorted.length * q)] ?? Number.NaN;

it(`verifies a grant with a p50 under ${P50_LIMIT_MS} ms over ${VERIFICATIONS} verifications`, async ({
  annotate,
}) => {
  const current = await generatePlaybackGrantKey('grants-2026-12');
  const next = await generatePlaybackGrantKey('grants-2027-01');
  const now = new Date('2026-12-04T01:00:00Z');
  const { grant } = await createPlaybackGrantSigner({ privateJwk: current.privateJwk }).sign({
    customerId: 'auth0|64b7f0c2e1',
    contentId: '7d1c2f3e-8a4b-4c5d-9e6f-0a1b2c3d4e5f',
    now,
  });
  const verifier = createPlaybackGrantVerifier({
    jwks: { keys: [current.publicJwk, next.publicJwk] },
  });
  const input = {
    contentId: '7d1c2f3e-8a4b-4c5d-9e6f-0a1b2c3d4e5f',
    customerId: 'auth0|64b7f0c2e1',
    now,
  };

  for (let index = 0; index < WARM_UP; index += 1) await verifier.verify(grant, input);
  let best = { p50: Number.POSITIVE_INFINITY, p99: Number.POSITIVE_INFINITY };
  for (let round = 0; round < ROUNDS && best.p50 >= P50_LIMIT_MS / 2; round += 1) {
    const durations: number[] = [];
    for (let index = 0; index < VERIFICATIONS; index += 1) {
      const started = performance.now();
      const result = await verifier.verify(grant, input);
      durations.push(performance.now() - started);
      if (!result.ok) throw new Error(`verification ${index} refused: ${result.reason}`);
    }
    durations.sort((a, b) => a - b);
    const p50 = quantile(durations, 0.5);
    if (p50 < best.p50) best = { p50, p99: quantile(durations, 0.99) };
  }

  const line = `playback grant verify: p50 ${(best.p50 * 1000).toFixed(0)} µs, p99 ${(best.p99 * 1000).toFixed(0)} µs over ${VERIFICATIONS} verifications`;
  // Written past the console, which `pnpm test` silences for passing tests: the number is the point.
  process.stdout.write(`${line}\n`);
  await annotate(line);
  expect(best.p50).toBeLessThan(P50_LIMIT_MS);
});
