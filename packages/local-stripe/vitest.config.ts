import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'local-stripe',
    include: ['src/**/*.test.ts'],
    // The webhook delivery test starts a child process through tsx, which takes seconds on a busy
    // two-core machine; the suites ran with this limit before they moved here.
    testTimeout: 30_000,
  },
});
