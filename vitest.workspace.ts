/**
 * The one list of test projects. Vitest 4 no longer reads this file by itself (and says nothing
 * when it is ignored), so `vitest.config.ts` imports it into `test.projects`. Add every new package
 * or worker that has tests here; in CI the run fails if a listed project collects no test.
 */
export default [
  'packages/database',
  'packages/email',
  'packages/local-stripe',
  'packages/observability',
  'packages/playback-grants',
  // The same tests inside workerd, where grants are verified at the edge.
  'packages/playback-grants/vitest.workerd.config.ts',
  'packages/purchases',
  'packages/security',
  'packages/test-utils',
  'packages/validation',
  'packages/worker-runtime',
  'tools/house-rules',
  'tools/local-stack',
  'workers/checkout',
  'workers/stripe-webhook-handler',
];
