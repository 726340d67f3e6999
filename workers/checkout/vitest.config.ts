import { defineWorkerProject } from '@codex/worker-runtime/vitest';

export default defineWorkerProject({
  name: 'checkout-worker',
  // Where every test starts from; tests override them per request to probe misconfiguration.
  bindings: {
    WEB_APP_URL: 'https://app.codex.test',
    STRIPE_SECRET_KEY: 'sk_test_checkout_worker_0123456789',
    AUTH_JWT_SECRET: 'test-only-buyer-token-secret-0123456789abcdef',
    // Staff tokens carry it (authorizationFor with `staff: true`); buyer tokens do not.
    AUTH_STAFF_AUDIENCE: 'https://staff.codex.test',
  },
});
