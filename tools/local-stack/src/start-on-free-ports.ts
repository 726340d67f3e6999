import { createServer } from 'node:net';

/**
 * A port that was free a moment ago (bound on 127.0.0.1 with port 0, then released). Another
 * process can take it before the caller binds it: start through {@link startOnFreePorts}.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A distinct port from {@link freePort} for each name. */
export async function freePorts<K extends string>(names: readonly K[]): Promise<Record<K, number>> {
  const ports = new Set<number>();
  const result = {} as Record<K, number>;
  for (const name of names) {
    let port = await freePort();
    while (ports.has(port)) port = await freePort();
    ports.add(port);
    result[name] = port;
  }
  return result;
}

export interface StartOnFreePortsOptions {
  /** Default 3. */
  attempts?: number;
  /** The output printed so far (wrangler reports a taken port there, then exits). */
  output?: () => readonly string[];
}

const PORT_IN_USE = /EADDRINUSE|already in use|address in use/i;

/**
 * Runs `start` (which picks fresh ports with {@link freePort} on every call) until it succeeds,
 * at most `attempts` times, retrying only when it failed because a port was taken in between:
 * test files run in parallel and may grab a port between `freePort()` and the bind. A failure of
 * any other kind, or the last attempt's, is rethrown. `start` must stop what it started before it
 * rejects (the stacks here do).
 */
export async function startOnFreePorts<T>(
  start: () => Promise<T>,
  options: StartOnFreePortsOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; ; attempt += 1) {
    const seen = options.output?.().length ?? 0;
    try {
      return await start();
    } catch (error) {
      const printed = options.output?.().slice(seen).join('\n') ?? '';
      const message =
        error instanceof Error
          ? `${error.message} ${String(Reflect.get(error, 'code'))}`
          : String(error);
      if (attempt >= attempts || !PORT_IN_USE.test(`${message}\n${printed}`)) throw error;
    }
  }
}
