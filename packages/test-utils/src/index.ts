export {
  type CreateTestDatabaseOptions,
  createTestDatabase,
  type TestDatabase,
} from './create-test-database';
export {
  type ServeEmbeddedPostgresOptions,
  serveEmbeddedPostgres,
} from './embedded-postgres';
export {
  addTestMember,
  addTestOperator,
  type CreateTestContentOptions,
  type CreateTestOrganizationOptions,
  createTestContent,
  createTestOrganization,
  createTestUser,
} from './factories';
export { nodeWebSocket } from './node-websocket';
export { explainPlan, type SeedPurchaseVolumeOptions, seedPurchaseVolume } from './query-plans';
export {
  type RecordedResendRequest,
  type ResendStub,
  type ResendStubMessage,
  type ResendStubRule,
  type StartResendStubOptions,
  startResendStub,
} from './resend-stub';
export {
  type ExpectedOutcome,
  type IssuePlatformRefund,
  type MoneyAction,
  type Payment,
  type PerformedHistory,
  performHistory,
  platformRefundHistory,
  type StripeHistory,
  stripeHistory,
} from './stripe-history';
export {
  isServerRequired,
  readServerUrl,
  type TestDatabaseConfig,
  TestDatabaseEnv,
} from './test-database-config';
