import { performance } from 'node:perf_hooks';

/** One request to send, built before the clock starts (tokens signed, payloads prepared). */
export interface PreparedRequest {
  url: string;
  init?: RequestInit;
}

export interface MeasureSequentialLatencyOptions {
  /** The next request, or `undefined` when nothing is left to send (the run ends there). */
  next: () => PreparedRequest | undefined | Promise<PreparedRequest | undefined>;
  /** True when the answer is the one the scenario expects; anything else counts as unexpected. */
  isExpected: (status: number, body: string) => boolean;
  /**
   * Conditions compared in one run (e.g. two network delays): before each request is built, the
   * next one in turn is applied (untimed), so a machine that gets busier during the run slows
   * every condition alike. Figures come back per condition, in this order. Default: one that
   * changes nothing.
   */
  conditions?: ReadonlyArray<() => void>;
  /** Stop sending new requests this long after the first timed one (all conditions together). */
  seconds: number;
  /** Stop after this many timed requests (all conditions together) even if time is left. */
  maxRequests: number;
  /** Requests sent first (conditions in turn), left out of the figures (cold paths). Default 2. */
  warmUpRequests?: number;
  /** Per-request timeout; a request that takes longer counts as unexpected. Default 10 s. */
  timeoutMs?: number;
}

export interface SequentialLatency {
  /** Timed requests (warm-up excluded). */
  requests: number;
  /** Timed requests whose answer was not the expected one (or that failed or timed out). */
  unexpected: number;
  /** Status and start of the body of the first unexpected answer, to say what went wrong. */
  firstUnexpected: string | undefined;
  /** Median latency in ms (nearest rank), request sent to body read; NaN without requests. */
  p50: number;
  /** 99th percentile latency in ms (nearest rank); NaN without requests. */
  p99: number;
}

interface Tally {
  timings: number[];
  unexpected: number;
  firstUnexpected: string | undefined;
}

/** The `fraction` quantile (nearest rank) of ascending `sorted`; NaN when it is empty. */
export function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

async function send(
  request: PreparedRequest,
  timeoutMs: number,
): Promise<{ status: number; body: string } | Error> {
  try {
    const response = await fetch(request.url, {
      ...request.init,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * Sends requests one after another, each only once the previous answer was read, and reports
 * their latency per condition: at one connection a request's latency is the sum of its sequential
 * waits, which is what a round-trip count needs (concurrency would blur it). Ends at `seconds`, at
 * `maxRequests`, or when `next` has nothing left, whichever comes first. Only the request is timed,
 * never `next` or a condition. Never throws for a failed request: it counts as unexpected.
 */
export async function measureSequentialLatency(
  options: MeasureSequentialLatencyOptions,
): Promise<SequentialLatency[]> {
  const conditions = options.conditions ?? [() => undefined];
  const warmUp = options.warmUpRequests ?? 2;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const tallies: Tally[] = conditions.map(() => ({
    timings: [],
    unexpected: 0,
    firstUnexpected: undefined,
  }));
  let sent = 0;
  let timed = 0;
  let deadline = Number.POSITIVE_INFINITY;

  while (timed < options.maxRequests && performance.now() < deadline) {
    const turn = sent % conditions.length;
    conditions[turn]?.();
    const request = await options.next();
    if (!request) break;
    const isWarmUp = sent < warmUp;
    sent++;
    const started = performance.now();
    // The clock starts with the first timed request, so a run's length does not include warm-up.
    if (!isWarmUp && deadline === Number.POSITIVE_INFINITY) {
      deadline = started + options.seconds * 1000;
    }
    const answer = await send(request, timeoutMs);
    const elapsed = performance.now() - started;
    const tally = tallies[turn];
    if (isWarmUp || !tally) continue;

    timed++;
    tally.timings.push(elapsed);
    if (answer instanceof Error || !options.isExpected(answer.status, answer.body)) {
      tally.unexpected++;
      tally.firstUnexpected ??=
        answer instanceof Error ? answer.message : `${answer.status} ${answer.body.slice(0, 200)}`;
    }
  }

  return tallies.map(({ timings, unexpected, firstUnexpected }) => {
    const sorted = [...timings].sort((a, b) => a - b);
    return {
      requests: timings.length,
      unexpected,
      firstUnexpected,
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
    };
  });
}
