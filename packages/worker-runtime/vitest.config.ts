import { defineWorkerProject } from '@codex/worker-runtime/vitest';

// The package tests itself where it runs: inside workerd, on a real test database.
export default defineWorkerProject({
  name: 'worker-runtime',
  bindings: { STRIPE_SECRET_KEY: 'sk_test_worker_runtime_0123456789' },
  wranglerConfigPath: null,
});
