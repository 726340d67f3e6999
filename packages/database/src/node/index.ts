export {
  type DatabaseBridge,
  type DatabaseBridgeOptions,
  isLoopbackHost,
  startDatabaseBridge,
} from './bridge';
export { type MigrateDatabaseOptions, migrateDatabase, migrationsFolder } from './migrate';
