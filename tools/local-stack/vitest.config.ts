import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'local-stack',
    include: ['src/**/*.test.ts'],
    globalSetup: ['@codex/test-utils/global-setup'],
    // Two `wrangler dev` processes start in beforeAll.
    hookTimeout: 120_000,
    testTimeout: 30_000,
  },
});
