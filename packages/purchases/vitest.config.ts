import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'purchases',
    include: ['src/**/*.test.ts'],
    globalSetup: ['@codex/test-utils/global-setup'],
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});
