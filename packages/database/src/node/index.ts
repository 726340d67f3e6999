export { type DatabaseBridge, type DatabaseBridgeOptions, startDatabaseBridge } from './bridge';
export { isLoopbackHost } from './is-loopback-host';
export { type MigrateDatabaseOptions, migrateDatabase, migrationsFolder } from './migrate';
export type { SqlOverHttpQueryInfo } from './sql-over-http';
