// `@codex/worker-runtime/vitest`. The implementation is plain JavaScript (define-worker-project.js):
// a vitest.config.ts is bundled with its bare imports left to Node, and Node 20 cannot load
// TypeScript, so this entry must be JavaScript Node runs as is. These are its types.
import type { UserWorkspaceConfig } from 'vitest/config';

/** Options for {@link defineWorkerProject}. */
export interface DefineWorkerProjectOptions {
  /** The Vitest project name (also names its test databases). */
  name: string;
  /**
   * Bindings every test starts from, on top of `ENVIRONMENT: 'test'`; tests override them per
   * request to probe misconfiguration. The global setup adds `DATABASE_URL`, `DATABASE_WS_PROXY`,
   * `STRIPE_API_BASE` and `DATABASE_MODE`.
   */
  bindings?: Record<string, string>;
  /**
   * The worker's wrangler configuration, relative to the project folder (its top level is used,
   * not an `env.*` section). Default `./wrangler.jsonc`; `null` for a package with no worker of its
   * own, which then runs on {@link TEST_COMPATIBILITY_DATE} with `nodejs_compat`.
   */
  wranglerConfigPath?: string | null;
}

/** The compatibility date of a project without a wrangler file; keep it equal to the workers'. */
export declare const TEST_COMPATIBILITY_DATE: string;

/**
 * A Vitest project whose tests run inside the Workers runtime (workerd) with the worker's real
 * configuration: `src/**\/*.test.ts`, the worker global setup (a migrated test database of the
 * project's own and the Stripe stand-in, started in Node because the runtime can start neither),
 * and timeouts that allow for that start-up. Use it as the default export of a `vitest.config.ts`.
 */
export declare function defineWorkerProject(
  options: DefineWorkerProjectOptions,
): UserWorkspaceConfig;
