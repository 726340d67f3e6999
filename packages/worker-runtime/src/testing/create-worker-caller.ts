import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { workerTestEnv } from './worker-test-env';

/** What {@link createWorkerCaller} calls: a worker's default export, or a Hono app. */
export interface FetchHandler<B> {
  fetch: (request: Request, env: B, ctx: ExecutionContext) => Response | Promise<Response>;
}

/** Sends one request through the worker; see {@link createWorkerCaller}. */
export type CallWorker<B> = (
  path: string,
  init?: RequestInit,
  overrides?: Partial<B>,
) => Promise<Response>;

/**
 * Returns `callWorker(path, init, overrides)`: sends a request (a path, resolved against
 * `baseUrl`, or an absolute URL) through `worker.fetch` with the test project's bindings, each of
 * `overrides` replacing one (`undefined` removes it), and a real execution context whose
 * `waitUntil` work is finished before the response is handed back.
 */
export function createWorkerCaller<B extends object>(
  worker: FetchHandler<B>,
  baseUrl = 'http://localhost',
): CallWorker<B> {
  return async function callWorker(path, init = {}, overrides = {}) {
    const ctx = createExecutionContext();
    const request = new Request(new URL(path, baseUrl), init);
    const response = await worker.fetch(request, { ...workerTestEnv<B>(), ...overrides }, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  };
}
