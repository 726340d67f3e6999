import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { organizationMembers } from '@codex/database';
import { signBuyerToken } from '@codex/security';
import { startResendStub } from '@codex/test-utils';
import { demoIds } from '../demo-data';
import { createCommandCleanups } from '../scratch-stack/command-cleanups';
import { JWT_SECRET, startScratchStack } from '../scratch-stack/start-scratch-stack';
import { LOCAL_STAFF_AUDIENCE, repositoryRoot } from '../start-local-stack';
import { checkPurchases } from './check-purchases';
import { emptyDeliveryStats } from './deliver-events';
import { createFaultInjector } from './inject-faults';
import { planSoak } from './plan-soak';
import { playPurchases } from './play-purchases';
import { describeMismatch, printSoakReport, type SoakSummary } from './print-soak-report';
import { readSoakSettings } from './read-soak-settings';
import { reconcileUntilDone } from './reconcile-until-done';
import { seedSoakItems } from './seed-soak-items';
import { createWorkerLog } from './worker-log';

// `pnpm soak`: many purchases with real money histories through both workers on `pnpm dev`'s
// stack (a scratch database of a Postgres server, the Stripe stand-in as Stripe, the Resend
// stand-in as the mailbox), their events lost, duplicated, reordered and concurrent, while the
// database drops out and Stripe fails; then reconciliation until it is done. Every purchase is
// then held against Stripe's final state: access, the purchase row, one confirmation e-mail.
// Exits non-zero unless all of them match and the stack survived.
const settings = readSoakSettings();
const cleanups = createCommandCleanups('pnpm soak', settings.watchdogMs);

// Reconciliation and the e-mails' backoff (30 s, then 60 s, or a 60 s lease) settle within this.
const SETTLE_DEADLINE_MS = 240_000;
const LOCAL_EMAIL_FROM = 'Codex <receipts@codex.test>';
/** The staff member the soak refunds as: the demo organization's owner. */
const SOAK_STAFF_ID = 'soak-staff-owner';

async function isHealthy(url: string): Promise<boolean> {
  return fetch(`${url}/health`).then(
    (response) => response.ok,
    () => false,
  );
}

async function main(): Promise<boolean> {
  const started = performance.now();
  const { seed, purchases: size, concurrency, server } = settings;
  const dir = join(repositoryRoot, '.soak');
  await mkdir(dir, { recursive: true });
  const stamp = Date.now();
  const log = createWorkerLog(join(dir, `soak-${stamp}.log`));
  cleanups.add('closing the workers’ log', () => log.close());
  console.log(
    `pnpm soak: seed ${seed} (SOAK_SEED=${seed} replays it), ${size} purchases, ${concurrency} at once; the workers' output goes to .soak/soak-${stamp}.log`,
  );
  const plan = planSoak(seed, size);

  const mailbox = await startResendStub();
  cleanups.add('stopping the Resend stand-in', () => mailbox.close());
  const exits: string[] = [];
  const scratch = await startScratchStack({
    name: 'soak',
    server,
    cleanups,
    vars: {
      RESEND_API_BASE: mailbox.url,
      RESEND_API_KEY: 're_soak_mailbox',
      EMAIL_FROM: LOCAL_EMAIL_FROM,
    },
    log: log.write,
    onWorkerExit: (worker, code) => {
      exits.push(`the ${worker} worker exited (code ${code})`);
      console.error(`pnpm soak: the ${worker} worker exited (code ${code}) during the run`);
    },
  });
  const { stack, stub, db } = scratch;
  const startupMs = Math.round(performance.now() - started);
  console.log(
    `pnpm soak: the stack is up (${(startupMs / 1000).toFixed(1)} s); playing the purchases`,
  );

  // The staff refunds' owner: a row of organization_members (the token names who, not what).
  await db.db
    .insert(organizationMembers)
    .values({ organizationId: demoIds.organization, userId: SOAK_STAFF_ID, role: 'owner' })
    .onConflictDoNothing();
  const staffToken = await signBuyerToken({
    secret: JWT_SECRET,
    customerId: SOAK_STAFF_ID,
    audience: LOCAL_STAFF_AUDIENCE,
    expiresInSeconds: 6 * 60 * 60,
  });
  const stats = emptyDeliveryStats();
  const faults = createFaultInjector({
    faults: plan.faults,
    stub,
    proxy: scratch.proxy,
    db,
    startedAt: performance.now(),
  });
  const step = Math.max(1, Math.ceil(size / 10));
  const played = await playPurchases({
    context: {
      checkoutUrl: stack.checkoutUrl,
      webhooksUrl: stack.webhooksUrl,
      stub,
      items: await seedSoakItems(db.db),
      organizationId: demoIds.organization,
      staffAuthorization: `Bearer ${staffToken}`,
      stats,
    },
    plan,
    concurrency,
    faults,
    log,
    onProgress: (count) => {
      if (count % step === 0 || count === size) {
        console.log(`pnpm soak: ${count} of ${size} purchases played`);
      }
    },
  });
  console.log('pnpm soak: reconciling until done, and sending the e-mails');
  const settlement = await reconcileUntilDone({
    webhooksUrl: stack.webhooksUrl,
    log,
    db,
    deadlineMs: SETTLE_DEADLINE_MS,
  });
  const healthy = (await isHealthy(stack.checkoutUrl)) && (await isHealthy(stack.webhooksUrl));
  const verdicts = await checkPurchases({
    purchases: played.purchases,
    stub,
    db,
    checkoutUrl: stack.checkoutUrl,
    messages: mailbox.messages(),
  });
  const mismatches = verdicts.filter((verdict) => verdict.differences.length > 0);
  const summary: SoakSummary = {
    at: new Date().toISOString(),
    seed,
    purchases: size,
    concurrency,
    server: scratch.version.split(' ').slice(0, 2).join(' '),
    durationsMs: {
      startup: startupMs,
      play: played.durationMs,
      settle: settlement.durationMs,
      total: Math.round(performance.now() - started),
    },
    faults: faults.records,
    deliveries: stats,
    cronRunsDuringPlay: played.cronRuns,
    settlement,
    stack: { exits, healthy },
    workerErrors: Object.fromEntries(log.errors),
    unconfirmed: verdicts
      .filter((verdict) => verdict.unconfirmed)
      .map(({ purchase, expected }) => ({
        index: purchase.plan.index,
        hasAccess: expected.hasAccess,
      })),
    matched: verdicts.length - mismatches.length,
    total: verdicts.length,
    mismatches: mismatches.map(describeMismatch),
  };
  const file = join(dir, `soak-${stamp}.json`);
  await writeFile(file, JSON.stringify(summary, null, 2));
  printSoakReport(summary, file);
  return mismatches.length === 0 && exits.length === 0 && healthy && settlement.settled;
}

try {
  const passed = await main();
  if (!passed) {
    console.error('pnpm soak: FAILED');
    process.exitCode = 1;
  }
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await cleanups.cleanUp();
}
