// @ts-check
// JavaScript on purpose, typed by define-worker-project.d.ts: see there.
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineProject } from 'vitest/config';

/** @typedef {import('./define-worker-project').DefineWorkerProjectOptions} DefineWorkerProjectOptions */
/** @typedef {import('@codex/test-utils/worker-global-setup').WorkerTestEnv} WorkerTestEnv */

export const TEST_COMPATIBILITY_DATE = '2026-04-20';

/**
 * @param {DefineWorkerProjectOptions} options
 * @returns {import('vitest/config').UserWorkspaceConfig}
 */
export function defineWorkerProject(options) {
  const { name, bindings = {}, wranglerConfigPath = './wrangler.jsonc' } = options;
  return defineProject({
    plugins: [
      cloudflareTest(({ inject }) => {
        // Started in Node by the global setup: the runtime cannot start a database or a server.
        /** @type {WorkerTestEnv} */
        const { DATABASE_WS_PROXY, DATABASE_HTTP_ENDPOINT, ...workerTestEnv } =
          inject('workerTestEnv');
        return {
          ...(wranglerConfigPath === null ? {} : { wrangler: { configPath: wranglerConfigPath } }),
          miniflare: {
            ...(wranglerConfigPath === null
              ? {
                  compatibilityDate: TEST_COMPATIBILITY_DATE,
                  compatibilityFlags: ['nodejs_compat'],
                }
              : {}),
            bindings: {
              ENVIRONMENT: 'test',
              ...bindings,
              ...workerTestEnv,
              // Empty for a remote server reached directly: then the binding is left out.
              ...(DATABASE_WS_PROXY ? { DATABASE_WS_PROXY } : {}),
              ...(DATABASE_HTTP_ENDPOINT ? { DATABASE_HTTP_ENDPOINT } : {}),
            },
          },
        };
      }),
    ],
    test: {
      name,
      include: ['src/**/*.test.ts'],
      globalSetup: ['@codex/test-utils/worker-global-setup'],
      hookTimeout: 60_000,
      testTimeout: 30_000,
    },
  });
}
