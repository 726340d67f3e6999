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
/** Builds statements without a client (`new QueryBuilder().select(…)…getSQL()`), to run with {@link queryRows}. */
export { type AnyPgColumn, QueryBuilder } from 'drizzle-orm/pg-core';
export {
  createDatabaseClient,
  createHttpDatabaseClient,
  type Database,
  type DatabaseClient,
  type DatabaseClientOptions,
  type DatabaseTransaction,
  type HttpDatabase,
  type HttpDatabaseClient,
  type HttpDatabaseClientOptions,
  type WebSocketConstructor,
  withDatabase,
} from './client';
export {
  getPostgresError,
  isUniqueViolation,
  PostgresErrorCode,
  type PostgresErrorDetails,
} from './errors';
export * from './payout-rules';
export * from './purchase-rules';
export { type Queryable, queryRows, toDate, toNullableDate } from './query-rows';
export * from './schema';
export * from './staff-rules';
