import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { demoIds } from '../demo-data';
import { repositoryRoot } from '../start-local-stack';
import { measureBundles } from './measure-bundles';
import { measureRoundTrips } from './measure-round-trips';
import { measureThroughput } from './measure-throughput';
import { measureVerify } from './measure-verify';
import { type BenchSummary, printBenchReport } from './print-bench-report';
import { createBenchCleanups, readBenchSettings, startBenchStack } from './start-bench-stack';

// `pnpm bench`: what each request costs, on a real Postgres server, with both workers in the
// Workers runtime and the Stripe stand-in as Stripe. Timings are reported, never asserted.
// Two tables: throughput on loopback (autocannon, several concurrencies), and each request's
// network round trips to the database, measured through a latency proxy between the workers and
// the database bridge (where Neon's proxy would be); then what verifying a playback grant costs
// in this process, start-up and bundle sizes.
const settings = readBenchSettings();
const cleanups = createBenchCleanups(settings.watchdogMs);

async function main(): Promise<void> {
  const { seconds, roundTripMs } = settings;
  const { context, version, startupMs, setRoundTrip } = await startBenchStack(settings, cleanups);

  const throughput = await measureThroughput(context, seconds);
  console.log('');
  const latency = await measureRoundTrips(context, { roundTripMs, seconds, setRoundTrip });
  // The media gate's check without HTTP around it: the verifier the gate builds, on a grant the
  // checkout worker signed, as the gate calls it (no customer given).
  const verify = await measureVerify({
    grant: await context.playbackGrant(),
    publicKeys: context.playbackGrantPublicKeys,
    contentId: demoIds.paidContent,
  });
  console.log(
    `\nplayback grant verify: p50 ${verify.p50Microseconds} µs, p99 ${verify.p99Microseconds} µs, ${verify.perSecond}/s`,
  );
  const bundles = await measureBundles();

  const summary: BenchSummary = {
    at: new Date().toISOString(),
    server: version.split(' ').slice(0, 2).join(' '),
    startupMs: Math.round(startupMs),
    seconds,
    roundTripMs,
    rows: throughput.rows,
    ratios: throughput.ratios,
    latency,
    verify,
    bundles,
  };
  const dir = join(repositoryRoot, '.bench');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `bench-${Date.now()}.json`);
  await writeFile(file, JSON.stringify(summary, null, 2));
  printBenchReport(summary, file);

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
  await cleanups.cleanUp();
}
