/**
 * What the global setup hands to every test file (through Vitest's `provide`/`inject`): where the
 * test databases come from in this run.
 */
export type TestDatabaseConfig =
  | {
      mode: 'server';
      /** Connection string of the Postgres server given by the environment (its database is never written). */
      adminUrl: string;
      /** Migrated database each test file's database is copied from. */
      templateDatabase: string;
      /** Prefix of every database this run creates; the teardown drops them all. */
      databasePrefix: string;
      /** Bridge for the driver when the server is on loopback; undefined for a remote server (Neon). */
      webSocketProxy: string | undefined;
      /** The same bridge's SQL-over-HTTP endpoint; undefined for a remote server (Neon's own). */
      httpEndpoint: string | undefined;
    }
  | {
      mode: 'embedded';
      webSocketProxy: string;
      httpEndpoint: string;
    };

declare module 'vitest' {
  export interface ProvidedContext {
    codexTestDatabase: TestDatabaseConfig;
  }
}

/** Environment variables the test database lifecycle reads. */
export const TestDatabaseEnv = {
  /** Postgres server for tests; wins over `DATABASE_URL`. */
  testUrl: 'TEST_DATABASE_URL',
  /** Postgres server shared with development; tests only create and drop their own databases on it. */
  url: 'DATABASE_URL',
  /** `1`/`true`: refuse the embedded fallback (CI sets it, so race tests always meet a real server). */
  requireServer: 'CODEX_REQUIRE_DATABASE_SERVER',
} as const;

/** The server URL the environment names for tests, if any. */
export function readServerUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[TestDatabaseEnv.testUrl] || env[TestDatabaseEnv.url];
  return value ? value : undefined;
}

/** True when the environment forbids the embedded fallback. */
export function isServerRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[TestDatabaseEnv.requireServer]?.toLowerCase();
  return value === '1' || value === 'true';
}

/** `postgres://u:p@h:5432/name` → same server, database `database`. */
export function withDatabaseName(connectionString: string, database: string): string {
  const url = new URL(connectionString);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A connection string fit for a log line: no user, no password, no query. */
export function describeServer(connectionString: string): string {
  const url = new URL(connectionString);
  return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
}
