import type { MoneyAction, StripeHistory } from '@codex/test-utils';
import type { PurchaseVerdict } from './check-purchases';
import type { DeliveryStats } from './deliver-events';
import type { FaultRecord } from './inject-faults';
import type { SettlementReport } from './reconcile-until-done';

/** What one `pnpm soak` run found, as written to `.soak/soak-<time>.json`. */
export interface SoakSummary {
  at: string;
  seed: number;
  purchases: number;
  concurrency: number;
  /** The server's name and version (`PostgreSQL 15.x`). */
  server: string;
  durationsMs: { startup: number; play: number; settle: number; total: number };
  faults: FaultRecord[];
  deliveries: DeliveryStats;
  /** Cron runs fired while the purchases were played. */
  cronRunsDuringPlay: number;
  settlement: SettlementReport;
  /** Workers that exited during the run, and whether both answered `/health` at the end. */
  stack: { exits: string[]; healthy: boolean };
  /**
   * Completed purchases with an address that got no confirmation, as decision 014 allows when the
   * money was taken back before the completion arrived; `hasAccess`: the buyer has access now.
   */
  unconfirmed: Array<{ index: number; hasAccess: boolean }>;
  /** Error lines the workers logged, per worker and message (expected during the faults). */
  workerErrors: Record<string, number>;
  matched: number;
  total: number;
  mismatches: Array<ReturnType<typeof describeMismatch>>;
}

/** A mismatch with the history that led there, for the JSON and the printout. */
export function describeMismatch(verdict: PurchaseVerdict) {
  const { purchase } = verdict;
  return {
    index: purchase.plan.index,
    purchaseId: purchase.purchaseId,
    customerId: purchase.customerId,
    item: `${purchase.item.priceCents} ${purchase.item.currency}`,
    hasEmail: purchase.email !== undefined,
    differences: verdict.differences,
    history: describeHistory(purchase.plan.history),
    stripe: verdict.expected.stripe,
    expected: { ...verdict.expected, stripe: undefined },
    observed: verdict.observed,
    checkoutStatuses: purchase.checkoutStatuses,
    successPage: purchase.successPage,
    deliveries: purchase.deliveries.map(
      (delivery) =>
        `${delivery.type} ${delivery.eventId} ${delivery.fate} [${delivery.answers.join(' ')}]`,
    ),
    platformRefunds: purchase.platformRefunds,
  };
}

function describeAction(action: MoneyAction): string {
  switch (action.kind) {
    case 'refund':
      return `refund ${action.percent}% ${action.status}`;
    case 'platform_refund':
      return `platform refund ${action.percent}%${action.revokeAccess ? '' : ' keeping access'}`;
    case 'refund_update':
      return `refund #${action.which} → ${action.status}`;
    case 'dispute_open':
      return 'dispute opened';
    case 'inquiry_open':
      return 'inquiry opened';
    case 'dispute_update':
      return `dispute → ${action.status}`;
  }
}

const describeHistory = (history: StripeHistory) =>
  [history.payment, ...history.actions.map(describeAction)].join('; ');

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Prints the run: its size and seed, what was done to it, the verdict, each mismatch. */
export function printSoakReport(summary: SoakSummary, file: string): void {
  const outages = summary.faults.filter((record) => record.fault.kind !== 'stripe_fault');
  const terminated = outages.reduce((sum, record) => sum + record.terminatedBackends, 0);
  const stripeFaults = summary.faults.length - outages.length;
  const { deliveries, settlement } = summary;
  const failed = Object.entries(deliveries.failedAnswers)
    .map(([status, count]) => `${status === '0' ? 'no answer' : status} × ${count}`)
    .join(', ');
  const lastRun = settlement.runs[settlement.runs.length - 1];
  console.log('');
  console.log(
    `pnpm soak: seed ${summary.seed} (SOAK_SEED=${summary.seed} replays it), ${summary.purchases} purchases, ${summary.concurrency} at once, ${summary.server}`,
  );
  console.log(
    `time: ${seconds(summary.durationsMs.total)} (start-up ${seconds(summary.durationsMs.startup)}, purchases ${seconds(summary.durationsMs.play)}, reconciliation and e-mails ${seconds(summary.durationsMs.settle)})`,
  );
  console.log(
    `faults: ${outages.length} database outages (${terminated} backends terminated, links cut ${outages.filter((r) => r.fault.kind === 'cut_database_link').length} times), ${stripeFaults} Stripe faults${summary.faults.some((r) => r.error) ? ' (some failed to start: see the JSON)' : ''}`,
  );
  console.log(
    `deliveries: ${deliveries.deliveries} (${deliveries.attempts} attempts): ${deliveries.lost} lost, ${deliveries.duplicated} duplicated, ${deliveries.concurrent} concurrent, ${deliveries.givenUp} given up after retries; answers other than 2xx: ${failed || 'none'}`,
  );
  console.log(
    `reconciliation: ${summary.cronRunsDuringPlay} runs during the purchases, ${settlement.runs.length} after (last stopped by ${lastRun?.stoppedBy ?? 'nothing'}), ${settlement.runs.reduce((sum, run) => sum + run.eventsRecovered, 0)} events recovered after; e-mails left unsent: ${settlement.emailsLeft}${settlement.settled ? '' : ' (not settled before the deadline)'}`,
  );
  console.log(
    `stack: ${summary.stack.exits.length === 0 ? 'no worker exited' : summary.stack.exits.join('; ')}; ${summary.stack.healthy ? 'both workers answer /health' : 'a worker does not answer /health'}`,
  );
  if (summary.unconfirmed.length > 0) {
    const withAccess = summary.unconfirmed.filter((purchase) => purchase.hasAccess).length;
    console.log(
      `e-mails: ${summary.unconfirmed.length} completed purchases with an address got no confirmation, as decision 014 allows when the money was taken back before the completion arrived (${withAccess} of them have access now)`,
    );
  }
  for (const mismatch of summary.mismatches) {
    console.log(
      `\n✗ purchase ${mismatch.purchaseId ?? '(none)'} (#${mismatch.index}, ${mismatch.customerId}, ${mismatch.item}${mismatch.hasEmail ? ', with an address' : ''})`,
    );
    for (const difference of mismatch.differences) console.log(`    ${difference}`);
    console.log(`    history: ${mismatch.history}`);
    console.log(`    Stripe: ${JSON.stringify(mismatch.stripe)}`);
    console.log(`    checkout: ${mismatch.checkoutStatuses.join(' ')}`);
    if (mismatch.successPage.length > 0) {
      console.log(`    success page: ${mismatch.successPage.join(' ')}`);
    }
    for (const delivery of mismatch.deliveries) console.log(`    delivered: ${delivery}`);
    for (const refund of mismatch.platformRefunds) {
      console.log(
        `    platform refund ${refund.amountCents}${refund.revokeAccess ? '' : ' keeping access'}: ${refund.statuses.map((s) => s.join(' ')).join(' | ')}`,
      );
    }
  }
  console.log(`\nsummary: ${file}`);
  console.log(`${summary.matched} of ${summary.total} purchases match Stripe's final state`);
}
