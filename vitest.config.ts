import { defineConfig } from 'vitest/config';
import projects from './vitest.workspace.ts';

const isCI = process.env.CI === 'true' || process.env.CI === '1';

export default defineConfig({
  test: {
    projects,
    // Workers log a JSON line per request: keep the output of passing tests quiet.
    silent: 'passed-only',
    reporters: ['default', ['@codex/test-utils/reporter', { strict: isCI }]],
    // V8 coverage cannot run inside workerd, so `pnpm test` measures it in a second, Node-only run
    // (`--coverage --project validation`), where the 100% threshold is enforced.
    coverage: {
      provider: 'v8',
      include: ['packages/validation/src/**'],
      exclude: ['**/*.test.ts'],
      reporter: ['text'],
      thresholds: {
        'packages/validation/src/**': {
          lines: 100,
          branches: 100,
          functions: 100,
          statements: 100,
        },
      },
    },
  },
});
