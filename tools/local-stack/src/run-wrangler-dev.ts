import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { LocalStackError } from './local-stack-error';

// `wrangler dev` as the local stack runs each worker: its own process group, its output as lines,
// a health wait, a stop that takes workerd with it.

const HEALTH_TIMEOUT_MS = 90_000;

/** The `wrangler` CLI the worker in `workerDir` depends on (its bin script, run with this Node). */
export function wranglerBin(workerDir: string): string {
  const packageJson = createRequire(join(workerDir, 'package.json')).resolve(
    'wrangler/package.json',
  );
  return join(dirname(packageJson), 'bin/wrangler.js');
}

/**
 * Starts `wrangler dev` for the worker in `workerDir` on 127.0.0.1:`port` with `vars` as `--var`
 * (and `extraArgs`), in its own process group; every line it prints goes to `log` as `[name] …`.
 */
export function startWorker(
  name: string,
  workerDir: string,
  port: number,
  vars: Record<string, string>,
  log: (line: string) => void,
  onExit: (code: number | null) => void,
  extraArgs: readonly string[] = [],
): ChildProcess {
  const args = [
    wranglerBin(workerDir),
    'dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--inspector-port',
    '0',
    '--show-interactive-dev-session=false',
    ...Object.entries(vars).flatMap(([key, value]) => ['--var', `${key}:${value}`]),
    ...extraArgs,
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: workerDir,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: process.env.CI ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so stop() can end wrangler and the workerd it spawns together.
    detached: true,
  });
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      // Offline, wrangler cannot fetch the Request.cf object; harmless, and noisy.
      if (
        line.trim() &&
        !/Request\.cf|workers\.cloudflare\.com|GetAddrInfoReqWrap|^\s+at /.test(line)
      ) {
        log(`[${name}] ${line}`);
      }
    }
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  child.once('exit', (code) => onExit(code));
  // If this process dies without stop() (a crash, an uncaught error), take the worker's whole
  // process group with it: wrangler and workerd must not outlive the stack.
  const killGroup = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  };
  process.once('exit', killGroup);
  child.once('exit', () => process.off('exit', killGroup));
  return child;
}

/** Ends a started worker's whole process group (SIGTERM, SIGKILL after 5 s); resolves once it exited. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), name);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Resolves once `url`/health answers 2xx; throws `LocalStackError` if `child` exits or 90 s pass. */
export async function waitForHealth(url: string, child: ChildProcess, name: string): Promise<void> {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new LocalStackError(
        `The ${name} worker exited (code ${child.exitCode}) before answering ${url}/health; its output is above.`,
      );
    }
    const healthy = await fetch(`${url}/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new LocalStackError(
    `The ${name} worker did not answer ${url}/health within ${HEALTH_TIMEOUT_MS / 1000} s.`,
  );
}
