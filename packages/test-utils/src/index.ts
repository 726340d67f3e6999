export {
  type CreateTestDatabaseOptions,
  createTestDatabase,
  type TestDatabase,
} from './create-test-database';
export {
  type CreateTestContentOptions,
  type CreateTestOrganizationOptions,
  createTestContent,
  createTestOrganization,
  createTestUser,
} from './factories';
export { nodeWebSocket } from './node-websocket';
export {
  type RecordedStripeRequest,
  type StartStripeStubOptions,
  type StripeStub,
  type StripeStubCheckoutSession,
  type StripeStubRule,
  type StripeStubRuleResponse,
  startStripeStub,
} from './stripe-stub';
export {
  isServerRequired,
  readServerUrl,
  type TestDatabaseConfig,
  TestDatabaseEnv,
} from './test-database-config';
