import { defineProject } from 'vitest/config';

// In Node: every test, the speed test included (Node's clock is real; workerd's stands still
// between I/O, so the speed test runs here only).
export default defineProject({
  test: {
    name: 'playback-grants',
    include: ['src/**/*.test.ts'],
  },
});
