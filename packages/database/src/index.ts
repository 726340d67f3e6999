export type { SQL } from 'drizzle-orm';
export {
  and,
  asc,
  count,
  desc,
  eq,
  exists,
  gt,
  gte,
  inArray,
  isNotNull,
  isNull,
  lt,
  lte,
  ne,
  not,
  notExists,
  notInArray,
  or,
  sql,
} from 'drizzle-orm';
export {
  createDatabaseClient,
  type Database,
  type DatabaseClient,
  type DatabaseClientOptions,
  type DatabaseTransaction,
  type WebSocketConstructor,
  withDatabase,
} from './client';
export {
  getPostgresError,
  isUniqueViolation,
  PostgresErrorCode,
  type PostgresErrorDetails,
} from './errors';
export * from './schema';
