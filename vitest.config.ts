import { defineConfig } from 'vitest/config';
import projects from './vitest.workspace.ts';

const isCI = process.env.CI === 'true' || process.env.CI === '1';

export default defineConfig({
  test: {
    projects,
    reporters: ['default', ['@codex/test-utils/reporter', { strict: isCI }]],
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
