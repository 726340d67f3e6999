import { performance } from 'node:perf_hooks';
import { createPlaybackGrantVerifier, type Jwks } from '@codex/playback-grants';
import { percentile } from '../measure-sequential-latency';

/** Options for {@link measureVerify}. */
export interface MeasureVerifyOptions {
  /** A grant the checkout worker signed (valid for the whole measurement). */
  grant: string;
  /** The JWKS it verifies with, one line of JSON (`PLAYBACK_GRANT_PUBLIC_KEYS`). */
  publicKeys: string;
  contentId: string;
  customerId?: string;
  /** Timed verifications. Default 5,000. */
  verifications?: number;
  /** Verifications first, left out of the figures (key import, JIT). Default 500. */
  warmUp?: number;
}

/** What verifying one grant costs on one core of this machine, in this process. */
export interface VerifyMeasurement {
  verifications: number;
  /** Median of one `verify` call, microseconds (nearest rank, whole). */
  p50Microseconds: number;
  /** 99th percentile of one `verify` call, microseconds (nearest rank, whole). */
  p99Microseconds: number;
  /** Sequential verifications per second: timed count ÷ the loop's wall time, whole. */
  perSecond: number;
}

/**
 * Times `verify` of `@codex/playback-grants` in this process (Node's WebCrypto), as the media gate
 * runs it but without HTTP: the verifier built once from `publicKeys`, a warm-up, then
 * `verifications` sequential calls each timed with `performance.now()` (the same approach as the
 * library's speed test). Throws when the grant is refused: a refusal costs less and would flatter
 * the figure.
 */
export async function measureVerify(options: MeasureVerifyOptions): Promise<VerifyMeasurement> {
  const verifications = options.verifications ?? 5_000;
  const warmUp = options.warmUp ?? 500;
  const verifier = createPlaybackGrantVerifier({ jwks: JSON.parse(options.publicKeys) as Jwks });
  const input = {
    contentId: options.contentId,
    ...(options.customerId === undefined ? {} : { customerId: options.customerId }),
  };
  const verify = async (now: Date) => {
    const result = await verifier.verify(options.grant, { ...input, now });
    if (!result.ok) throw new Error(`pnpm bench: the grant was refused: ${result.reason}`);
  };

  for (let index = 0; index < warmUp; index += 1) await verify(new Date());
  const durations: number[] = [];
  const loopStarted = performance.now();
  for (let index = 0; index < verifications; index += 1) {
    // The clock is read outside the timed call: the gate reads it too, but it is not verify's cost.
    const now = new Date();
    const started = performance.now();
    await verify(now);
    durations.push(performance.now() - started);
  }
  const loopMs = performance.now() - loopStarted;
  durations.sort((a, b) => a - b);
  return {
    verifications,
    p50Microseconds: Math.round(percentile(durations, 0.5) * 1000),
    p99Microseconds: Math.round(percentile(durations, 0.99) * 1000),
    perSecond: Math.round((verifications * 1000) / loopMs),
  };
}
