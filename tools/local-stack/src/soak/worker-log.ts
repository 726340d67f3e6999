import { createWriteStream } from 'node:fs';

/** What one reconciliation run reported (`reconciliation finished`), or that it failed. */
export interface ReconciliationRun {
  /** `done`, `stripe_call_budget`, `time_budget`, `stripe_unavailable`; `failed`: it threw. */
  stoppedBy: string;
  checked: number;
  completed: number;
  failed: number;
  eventsRecovered: number;
  errors: number;
  stripeCalls: number;
}

/** The workers' output: kept in a file, read for reconciliation runs and error lines. */
export interface WorkerLog {
  /** Receives every line the stack prints (`[checkout] …`, `[webhooks] …`). */
  write: (line: string) => void;
  /** Every reconciliation run that ended, in order. */
  runs: ReconciliationRun[];
  /** Error lines per worker and message (e.g. `webhooks: Connection terminated unexpectedly`). */
  errors: Map<string, number>;
  /** Resolves true once `count` runs have ended, false after `timeoutMs`. */
  waitForRuns: (count: number, timeoutMs: number) => Promise<boolean>;
  /** Flushes the file. */
  close: () => Promise<void>;
}

interface LogEntry {
  level?: string;
  message?: string;
  context?: Record<string, unknown>;
  error?: { cause?: { message?: string } };
}

// wrangler prints a worker's console.error in colour, around the JSON line.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape that starts a colour code
const COLOUR_CODES = /\u001b\[[0-9;]*m/g;

function parseEntry(line: string): LogEntry | undefined {
  const plain = line.replace(COLOUR_CODES, '');
  const start = plain.indexOf('{');
  if (start < 0) return undefined;
  try {
    return JSON.parse(plain.slice(start, plain.lastIndexOf('}') + 1)) as LogEntry;
  } catch {
    return undefined;
  }
}

/** An error line's gist: its message's first line and what caused it, briefly. */
function gistOf(entry: LogEntry): string {
  const first = (text: unknown) =>
    String(text ?? '')
      .split('\n')[0]
      ?.slice(0, 80);
  const cause = entry.error?.cause?.message;
  return cause ? `${first(entry.message)} ← ${first(cause)}` : `${first(entry.message)}`;
}

const count = (value: unknown) => (typeof value === 'number' ? value : 0);

/** A {@link WorkerLog} writing every line to `file`. */
export function createWorkerLog(file: string): WorkerLog {
  const out = createWriteStream(file);
  const runs: ReconciliationRun[] = [];
  const errors = new Map<string, number>();
  const waiters = new Set<() => void>();

  const write = (line: string) => {
    out.write(`${line}\n`);
    const entry = parseEntry(line);
    if (!entry) return;
    const worker = line.match(/^\[(\w+)\]/)?.[1] ?? 'stack';
    const context = entry.context ?? {};
    if (entry.level === 'error') {
      const key = `${worker}: ${gistOf(entry)}`;
      errors.set(key, (errors.get(key) ?? 0) + 1);
    }
    const ended =
      entry.message === 'reconciliation finished' ||
      context.operation === 'reconcile pending purchases';
    if (!ended) return;
    runs.push({
      stoppedBy: entry.message === 'reconciliation finished' ? String(context.stoppedBy) : 'failed',
      checked: count(context.checked),
      completed: count(context.completed),
      failed: count(context.failed),
      eventsRecovered: count(context.eventsRecovered),
      errors: count(context.errors),
      stripeCalls: count(context.stripeCalls),
    });
    for (const wake of waiters) wake();
  };

  const waitForRuns = (wanted: number, timeoutMs: number) =>
    new Promise<boolean>((resolve) => {
      const check = () => {
        if (runs.length < wanted) return;
        finish(true);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (reached: boolean) => {
        clearTimeout(timer);
        waiters.delete(check);
        resolve(reached);
      };
      waiters.add(check);
      check();
    });

  return {
    write,
    runs,
    errors,
    waitForRuns,
    close: () => new Promise<void>((resolve) => out.end(() => resolve())),
  };
}
