import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkerLog } from './worker-log';

const dirs: string[] = [];
afterEach(async () => {
  while (dirs.length > 0) await rm(dirs.pop() as string, { recursive: true, force: true });
});

async function newLog() {
  const dir = await mkdtemp(join(tmpdir(), 'soak-log-'));
  dirs.push(dir);
  const file = join(dir, 'workers.log');
  return { log: createWorkerLog(file), file };
}

const line = (entry: object) => JSON.stringify({ timestamp: 't', service: 's', ...entry });

describe('createWorkerLog', () => {
  it('keeps every line in its file', async () => {
    const { log, file } = await newLog();
    log.write('[checkout] ⎔ Starting local server...');
    log.write('[webhooks] plain text');
    await log.close();
    expect(await readFile(file, 'utf8')).toBe(
      '[checkout] ⎔ Starting local server...\n[webhooks] plain text\n',
    );
  });

  it('reads reconciliation runs, finished or failed, and wakes whoever waits for them', async () => {
    const { log } = await newLog();
    const waiting = log.waitForRuns(2, 5_000);
    log.write(
      `[webhooks] ${line({ level: 'info', message: 'reconciliation finished', context: { stoppedBy: 'stripe_call_budget', eventsRecovered: 3, errors: 1, stripeCalls: 40 } })}`,
    );
    // A failed run is logged by trackError with the operation, in wrangler's colours.
    log.write(
      `[webhooks] \u001b[31m✘ \u001b[41;31m[\u001b[41;97mERROR\u001b[41;31m]\u001b[0m \u001b[1m${line({ level: 'error', message: 'boom', context: { operation: 'reconcile pending purchases' } })}\u001b[0m`,
    );
    expect(await waiting).toBe(true);
    expect(log.runs).toEqual([
      {
        stoppedBy: 'stripe_call_budget',
        checked: 0,
        completed: 0,
        failed: 0,
        eventsRecovered: 3,
        errors: 1,
        stripeCalls: 40,
      },
      expect.objectContaining({ stoppedBy: 'failed' }),
    ]);
    expect(await log.waitForRuns(3, 50)).toBe(false);
    await log.close();
  });

  it('counts error lines per worker by their gist: the first line and its cause', async () => {
    const { log } = await newLog();
    const failed = line({
      level: 'error',
      message: 'Failed query: select 1\nparams: [REDACTED]',
      error: { cause: { message: 'Connection terminated unexpectedly' } },
    });
    log.write(`[webhooks] ${failed}`);
    log.write(`[webhooks] ${failed}`);
    log.write(`[checkout] ${line({ level: 'error', message: 'Simulated failure' })}`);
    log.write(`[checkout] ${line({ level: 'warn', message: 'not an error' })}`);
    expect(Object.fromEntries(log.errors)).toEqual({
      'webhooks: Failed query: select 1 ← Connection terminated unexpectedly': 2,
      'checkout: Simulated failure': 1,
    });
    await log.close();
  });
});
