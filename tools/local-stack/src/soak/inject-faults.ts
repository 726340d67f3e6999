import { type DatabaseClient, sql } from '@codex/database';
import type { StripeStub } from '@codex/local-stripe';
import type { LatencyProxy } from '../latency-proxy';
import { type Fault, type ScheduledFault, stripeTargets } from './plan-soak';

/** A fault as it happened. */
export interface FaultRecord {
  atPurchase: number;
  fault: Fault;
  /** Milliseconds since the run started. */
  startedAtMs: number;
  endedAtMs: number | undefined;
  /** Database backends terminated (terminate_backends only). */
  terminatedBackends: number;
  /** What went wrong setting it off, if anything. */
  error: string | undefined;
}

export interface FaultInjectorOptions {
  faults: ScheduledFault[];
  stub: StripeStub;
  /** Between the workers and the database bridge. */
  proxy: LatencyProxy;
  /** The soak's own connections to its database, which terminations spare (by `application_name`). */
  db: DatabaseClient;
  /** `performance.now()` at the start of the run. */
  startedAt: number;
}

export interface FaultInjector {
  /** Sets off the faults planned for the start of purchase `index` (each runs on its own). */
  beforePurchase: (index: number) => void;
  /** Waits for every fault under way to end and lifts every Stripe rule still in place. */
  stop: () => Promise<void>;
  records: FaultRecord[];
}

// While the database is "down", its backends are terminated again this often: clients that
// reconnect at once meet the outage again, as they would during a restart.
const TERMINATE_INTERVAL_MS = 200;

/**
 * The run's faults: the database dropping out (every backend of the soak's database terminated,
 * `pg_terminate_backend`, again and again for the outage's duration; or the link between the
 * workers and the database cut at the latency proxy, which drops every open connection and
 * refuses new ones for the duration) and Stripe failing (a rule at the stand-in: the target's
 * next calls answer 500 or late, until used up or the duration has passed).
 */
export function createFaultInjector(options: FaultInjectorOptions): FaultInjector {
  const records: FaultRecord[] = [];
  const running: Array<Promise<void>> = [];
  const removers = new Set<() => void>();
  const since = () => Math.round(performance.now() - options.startedAt);
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  const terminateBackends = async (record: FaultRecord, durationMs: number) => {
    const until = performance.now() + durationMs;
    do {
      const result = await options.db.db.execute<{ terminated: boolean }>(
        sql`SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()
              AND application_name <> current_setting('application_name')`,
      );
      record.terminatedBackends += result.rows.filter((row) => row.terminated).length;
      await sleep(TERMINATE_INTERVAL_MS);
    } while (performance.now() < until);
  };

  const setOff = async (record: FaultRecord) => {
    const { fault } = record;
    try {
      switch (fault.kind) {
        case 'terminate_backends':
          await terminateBackends(record, fault.durationMs);
          break;
        case 'cut_database_link':
          options.proxy.cut(fault.durationMs);
          await sleep(fault.durationMs);
          break;
        case 'stripe_fault': {
          const remove = options.stub.addRule({
            match: stripeTargets[fault.target],
            respond: fault.respond,
            times: fault.times,
          });
          removers.add(remove);
          await sleep(fault.durationMs);
          remove();
          removers.delete(remove);
          break;
        }
      }
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
    } finally {
      record.endedAtMs = since();
    }
  };

  return {
    records,
    beforePurchase: (index) => {
      for (const scheduled of options.faults.filter((fault) => fault.atPurchase === index)) {
        const record: FaultRecord = {
          ...scheduled,
          startedAtMs: since(),
          endedAtMs: undefined,
          terminatedBackends: 0,
          error: undefined,
        };
        records.push(record);
        running.push(setOff(record));
      }
    },
    stop: async () => {
      await Promise.all(running);
      for (const remove of removers) remove();
      removers.clear();
    },
  };
}
