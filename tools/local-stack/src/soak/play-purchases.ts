import { fireCron } from '../fire-cron';
import type { FaultInjector } from './inject-faults';
import type { SoakPlan } from './plan-soak';
import { runPurchase, type SoakContext, type SoakPurchase } from './run-purchase';
import type { WorkerLog } from './worker-log';

export interface PlayPurchasesOptions {
  context: SoakContext;
  plan: SoakPlan;
  /** Purchases in flight at once. */
  concurrency: number;
  faults: FaultInjector;
  log: WorkerLog;
  /** Told after each purchase. */
  onProgress: (played: number) => void;
}

export interface PlayedPurchases {
  purchases: SoakPurchase[];
  /** Cron runs fired while the purchases were played. */
  cronRuns: number;
  durationMs: number;
}

// The cron fires meanwhile, as under `pnpm dev` (every 30 s there; more often here, where a run
// is short): reconciliation then races the webhooks it is meant to be safe next to.
const CRON_INTERVAL_MS = 10_000;
// How long to wait for the runs fired meanwhile to end before reconciliation proper.
const RUNS_TIMEOUT_MS = 60_000;

/**
 * Plays every planned purchase, `concurrency` at a time, setting off each fault as the purchase it
 * is planned for starts, and firing the webhook worker's cron meanwhile. Resolves once every
 * purchase, fault and cron run fired here has ended.
 */
export async function playPurchases(options: PlayPurchasesOptions): Promise<PlayedPurchases> {
  const started = performance.now();
  const { plan, faults, log } = options;
  const purchases: SoakPurchase[] = [];
  const runsBefore = log.runs.length;
  const fired: Array<Promise<boolean>> = [];
  const cron = setInterval(() => {
    fired.push(
      fireCron(options.context.webhooksUrl).then(
        () => true,
        () => false,
      ),
    );
  }, CRON_INTERVAL_MS);
  let next = 0;
  const player = async () => {
    for (let index = next++; index < plan.purchases.length; index = next++) {
      const purchasePlan = plan.purchases[index];
      if (!purchasePlan) continue;
      faults.beforePurchase(index);
      purchases[index] = await runPurchase(options.context, purchasePlan);
      options.onProgress(purchases.filter(Boolean).length);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, player));
    await faults.stop();
  } finally {
    clearInterval(cron);
  }
  const cronRuns = (await Promise.all(fired)).filter(Boolean).length;
  await log.waitForRuns(runsBefore + cronRuns, RUNS_TIMEOUT_MS);
  return { purchases, cronRuns, durationMs: Math.round(performance.now() - started) };
}
