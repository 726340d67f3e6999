import type { BundleSizes } from './measure-bundles';
import { formatMilliseconds, type LatencyRow } from './measure-round-trips';
import type { ThroughputRatio, ThroughputRow } from './measure-throughput';
import type { VerifyMeasurement } from './measure-verify';

/** What one `pnpm bench` run found, as written to `.bench/bench-<time>.json`. */
export interface BenchSummary {
  at: string;
  /** The server's name and version (`PostgreSQL 15.x`). */
  server: string;
  startupMs: number;
  seconds: number;
  roundTripMs: number;
  rows: ThroughputRow[];
  ratios: ThroughputRatio[];
  latency: LatencyRow[];
  /** A playback grant's `verify`, in this process (issue 23). */
  verify: VerifyMeasurement;
  bundles: BundleSizes[];
}

/** Prints the run's tables (Markdown) and where its JSON was written. */
export function printBenchReport(summary: BenchSummary, file: string): void {
  const { roundTripMs } = summary;
  console.log('\nThroughput on loopback (no added latency):\n');
  console.log('| scenario | connections | requests | req/s | p50 ms | p99 ms | non-2xx |');
  console.log('|---|---|---|---|---|---|---|');
  for (const row of summary.rows)
    console.log(
      `| ${row.scenario} | ${row.connections} | ${row.requests} | ${row.rps} | ${row.p50} | ${row.p99} | ${row.non2xx} |`,
    );
  console.log(
    '\n| connections | access p50 ÷ floor p50 | floor req/s ÷ access req/s | verified play req/s ÷ access req/s |',
  );
  console.log('|---|---|---|---|');
  for (const ratio of summary.ratios)
    console.log(
      `| ${ratio.connections} | ${ratio.latencyRatio} | ${ratio.throughputRatio} | ${ratio.verifyThroughputRatio} |`,
    );

  console.log(
    `\nDatabase round trips (1 connection, sequential requests; round trips = (p50 at ${roundTripMs} ms − p50 at 0) / ${roundTripMs}):\n`,
  );
  console.log(
    `| request | p50 ms at 0 | p50 ms at ${roundTripMs} ms RTT | round trips | requests (0 / ${roundTripMs} ms) | unexpected answers |`,
  );
  console.log('|---|---|---|---|---|---|');
  for (const row of summary.latency)
    console.log(
      `| ${row.scenario} | ${formatMilliseconds(row.p50AtZero)} | ${formatMilliseconds(row.p50AtRoundTrip)} | ${Number.isNaN(row.roundTrips) ? '–' : row.roundTrips.toFixed(1)} | ${row.requestsAtZero} / ${row.requestsAtRoundTrip} | ${row.unexpected} |`,
    );

  const { verify } = summary;
  console.log(
    `\nplayback grant verify (this process, one core, ${verify.verifications} sequential calls): p50 ${verify.p50Microseconds} µs, p99 ${verify.p99Microseconds} µs, ${verify.perSecond} verifications/s`,
  );
  console.log(`\nstart-up of both workers (wrangler dev, to /health): ${summary.startupMs} ms`);
  for (const bundle of summary.bundles) {
    console.log(
      `bundle ${bundle.worker}: ${bundle.raw} raw / ${bundle.gzip} gzip; its npm dependencies alone: ${bundle.dependenciesRaw} / ${bundle.dependenciesGzip}`,
    );
  }
  console.log(`\nwritten to ${file}`);
}
