import { type DatabaseClient, emailOutbox, inArray, sql } from '@codex/database';
import { fireCron } from '../fire-cron';
import type { ReconciliationRun, WorkerLog } from './worker-log';

// A run ends within its time budget (20 s) plus its last calls' timeouts.
const RUN_TIMEOUT_MS = 45_000;
// E-mails wait out their backoff (30 s, doubling) or an expired lease (60 s): look again this often.
const EMAIL_POLL_MS = 5_000;

/** How the end of the run went: the reconciliation runs and whether everything settled. */
export interface SettlementReport {
  /** Reconciliation runs fired after the purchases, in order. */
  runs: ReconciliationRun[];
  /** A run reported `done` with no errors, and no e-mail was left to send. */
  settled: boolean;
  /** Outbox rows still pending or sending at the end (0 when settled). */
  emailsLeft: number;
  durationMs: number;
}

export interface SettleOptions {
  webhooksUrl: string;
  log: WorkerLog;
  db: DatabaseClient;
  /** Give up after this long. */
  deadlineMs: number;
}

/** Outbox rows not yet sent or dead. */
async function emailsLeft(db: DatabaseClient): Promise<number> {
  const [row] = await db.db
    .select({ left: sql<number>`count(*)::int` })
    .from(emailOutbox)
    .where(inArray(emailOutbox.status, ['pending', 'sending']));
  return row?.left ?? 0;
}

/**
 * Fires the webhook worker's cron, as `pnpm dev` does, and waits for each run's summary, until a
 * run reports `stoppedBy: 'done'` without errors and the e-mail outbox has nothing left to send
 * (the cron also queues the outbox's due rows), or `deadlineMs` has passed.
 */
export async function reconcileUntilDone(options: SettleOptions): Promise<SettlementReport> {
  const started = performance.now();
  const deadline = started + options.deadlineMs;
  const first = options.log.runs.length;
  let reconciled = false;
  let left = Number.POSITIVE_INFINITY;
  while (performance.now() < deadline) {
    const before = options.log.runs.length;
    const fired = await fireCron(options.webhooksUrl).then(
      () => true,
      () => false,
    );
    if (fired && (await options.log.waitForRuns(before + 1, RUN_TIMEOUT_MS))) {
      const run = options.log.runs[options.log.runs.length - 1];
      reconciled ||= run?.stoppedBy === 'done' && run.errors === 0;
    }
    left = await emailsLeft(options.db).catch(() => Number.POSITIVE_INFINITY);
    if (reconciled && left === 0) break;
    if (reconciled) await new Promise((resolve) => setTimeout(resolve, EMAIL_POLL_MS));
  }
  return {
    runs: options.log.runs.slice(first),
    settled: reconciled && left === 0,
    emailsLeft: Number.isFinite(left) ? left : -1,
    durationMs: Math.round(performance.now() - started),
  };
}
