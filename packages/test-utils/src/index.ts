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
  isServerRequired,
  readServerUrl,
  type TestDatabaseConfig,
  TestDatabaseEnv,
} from './test-database-config';
