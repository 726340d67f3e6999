// `@codex/worker-runtime/testing`: helpers for tests that run inside the Workers runtime
// (projects made with `defineWorkerProject`); they import `cloudflare:test`.
export { captureConsole } from './testing/capture-console';
export {
  type CallWorker,
  createWorkerCaller,
  type FetchHandler,
} from './testing/create-worker-caller';
export { expectHealthAnswer } from './testing/expect-health-answer';
export { withTestDatabase } from './testing/with-test-database';
export { type WorkerTestBindings, workerTestEnv } from './testing/worker-test-env';
