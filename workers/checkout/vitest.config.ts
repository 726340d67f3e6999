import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
// Type-only: brings the `inject('workerTestEnv')` typing of the global setup.
import type {} from '@codex/test-utils/worker-global-setup';
import { defineProject } from 'vitest/config';

/** Bindings every worker test starts from; tests override them per request to probe misconfiguration. */
export const TEST_BINDINGS = {
  ENVIRONMENT: 'test',
  WEB_APP_URL: 'https://app.codex.test',
  STRIPE_SECRET_KEY: 'sk_test_checkout_worker_0123456789',
  AUTH_JWT_SECRET: 'test-only-buyer-token-secret-0123456789abcdef',
};

export default defineProject({
  plugins: [
    cloudflareTest(({ inject }) => {
      // Started in Node by the global setup: the runtime cannot start a database or a server.
      const { DATABASE_WS_PROXY, ...workerTestEnv } = inject('workerTestEnv');
      return {
        wrangler: { configPath: './wrangler.jsonc' },
        miniflare: {
          bindings: {
            ...TEST_BINDINGS,
            ...workerTestEnv,
            ...(DATABASE_WS_PROXY ? { DATABASE_WS_PROXY } : {}),
          },
        },
      };
    }),
  ],
  test: {
    name: 'checkout-worker',
    include: ['src/**/*.test.ts'],
    globalSetup: ['@codex/test-utils/worker-global-setup'],
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});
