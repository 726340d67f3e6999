import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
// Type-only: brings the `inject('workerTestEnv')` typing of the global setup.
import type {} from '@codex/test-utils/worker-global-setup';
import { defineProject } from 'vitest/config';

/**
 * Bindings every test starts from. The checkout worker's test bindings are included (duplicated:
 * a worker's config is not part of its package's API) so the full-loop test can run the checkout
 * app on the same database and Stripe stand-in.
 */
export const TEST_BINDINGS = {
  ENVIRONMENT: 'test',
  STRIPE_SECRET_KEY: 'sk_test_checkout_worker_0123456789',
  STRIPE_WEBHOOK_SECRET_PAYMENT: 'whsec_test_payment_webhook_0123456789abcdef',
  WEB_APP_URL: 'https://app.codex.test',
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
    name: 'stripe-webhook-handler',
    include: ['src/**/*.test.ts'],
    globalSetup: ['@codex/test-utils/worker-global-setup'],
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});
