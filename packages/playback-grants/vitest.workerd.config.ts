import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineProject } from 'vitest/config';

// The same tests inside workerd, where the edge verifies grants: WebCrypto's Ed25519 there is not
// Node's. No database, no bindings. The speed test is left to Node: workerd's `performance.now()`
// does not advance during synchronous work or crypto (a Spectre mitigation), so it cannot measure.
export default defineProject({
  plugins: [
    cloudflareTest({
      miniflare: { compatibilityDate: '2026-04-20', compatibilityFlags: [] },
    }),
  ],
  test: {
    name: 'playback-grants-workerd',
    include: ['src/**/*.test.ts'],
    exclude: ['src/**/*.speed.test.ts'],
  },
});
