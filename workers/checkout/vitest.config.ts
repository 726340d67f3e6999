import { defineWorkerProject } from '@codex/worker-runtime/vitest';
import { TEST_ONLY_PLAYBACK_GRANT_CURRENT_KEY } from './src/testing/test-playback-grant-keys';

export default defineWorkerProject({
  name: 'checkout-worker',
  // Where every test starts from; tests override them per request to probe misconfiguration.
  bindings: {
    WEB_APP_URL: 'https://app.codex.test',
    STRIPE_SECRET_KEY: 'sk_test_checkout_worker_0123456789',
    AUTH_JWT_SECRET: 'test-only-buyer-token-secret-0123456789abcdef',
    // Staff tokens carry it (authorizationFor with `staff: true`); buyer tokens do not.
    AUTH_STAFF_AUDIENCE: 'https://staff.codex.test',
    // Test-only keys, committed: grants are signed with the current one, the only one published.
    PLAYBACK_GRANT_SIGNING_KEY: JSON.stringify(TEST_ONLY_PLAYBACK_GRANT_CURRENT_KEY.privateJwk),
    PLAYBACK_GRANT_PUBLIC_KEYS: JSON.stringify({
      keys: [TEST_ONLY_PLAYBACK_GRANT_CURRENT_KEY.publicJwk],
    }),
  },
});
