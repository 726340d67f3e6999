export {
  type DatabaseBridge,
  type DatabaseBridgeOptions,
  isLoopbackHost,
  startDatabaseBridge,
} from './bridge';
export { connectFromNode, type NodeDatabaseClient } from './connect';
export { type MigrateDatabaseOptions, migrateDatabase, migrationsFolder } from './migrate';
