import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'test-utils',
    include: ['src/**/*.test.ts'],
    globalSetup: ['@codex/test-utils/global-setup'],
    // Embedded PGlite start-up and CREATE DATABASE copies take longer than unit tests.
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});
