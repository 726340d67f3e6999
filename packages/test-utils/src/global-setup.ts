import { createDatabaseClient, sql } from '@codex/database';
import { isLoopbackHost, migrateDatabase, startDatabaseBridge } from '@codex/database/node';
import type { TestProject } from 'vitest/node';
import { nodeWebSocket } from './node-websocket';
import {
  describeServer,
  isServerRequired,
  readServerUrl,
  type TestDatabaseConfig,
  TestDatabaseEnv,
  withDatabaseName,
} from './test-database-config';

const log = (message: string) => console.log(`[test-database] ${message}`);

/** Databases of one test run (see `setupTestDatabases`). */
export interface TestDatabases {
  config: TestDatabaseConfig;
  /** Drops every database the run created and stops the bridge. */
  teardown: () => Promise<void>;
}

/**
 * Prepares the test databases of one Vitest project, in the main process:
 * - with `TEST_DATABASE_URL` or `DATABASE_URL` set, creates a migrated template database on that
 *   server (migrations applied through the production driver, exactly as `pnpm db:migrate` does);
 *   each test file then gets its own copy (`createTestDatabase`);
 * - with neither set, each test file starts its own embedded Postgres (PGlite) instead, unless
 *   `CODEX_REQUIRE_DATABASE_SERVER` is set, in which case this throws;
 * - always starts the WebSocket-to-TCP bridge the driver reaches loopback servers through.
 */
export async function setupTestDatabases(projectName: string): Promise<TestDatabases> {
  const serverUrl = readServerUrl();
  if (!serverUrl && isServerRequired()) {
    throw new Error(
      `${TestDatabaseEnv.requireServer} is set but neither ${TestDatabaseEnv.testUrl} nor ${TestDatabaseEnv.url} names a Postgres server: refusing the embedded fallback, whose serialised connections cannot prove race behaviour.`,
    );
  }

  const bridge = await startDatabaseBridge();
  if (!serverUrl) {
    log(
      `${projectName}: embedded PGlite per test file (set ${TestDatabaseEnv.testUrl} or ${TestDatabaseEnv.url} to use a Postgres server)`,
    );
    return {
      config: {
        mode: 'embedded',
        webSocketProxy: bridge.webSocketProxy,
        httpEndpoint: bridge.httpEndpoint,
      },
      teardown: () => bridge.close(),
    };
  }

  const isLoopback = isLoopbackHost(new URL(serverUrl).hostname);
  const webSocketProxy = isLoopback ? bridge.webSocketProxy : undefined;
  const httpEndpoint = isLoopback ? bridge.httpEndpoint : undefined;
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const databasePrefix = `codex_t_${runId}_${projectName.replace(/[^a-z0-9]/gi, '')}_`;
  const templateDatabase = `${databasePrefix}template`;

  const admin = createDatabaseClient({
    connectionString: serverUrl,
    webSocketConstructor: nodeWebSocket,
    ...(webSocketProxy ? { webSocketProxy } : {}),
  });
  try {
    const [server] = (await admin.db.execute<{ version: string }>(sql`SELECT version() AS version`))
      .rows;
    if (isServerRequired() && /emscripten|wasm/i.test(server?.version ?? '')) {
      throw new Error(
        `${TestDatabaseEnv.requireServer} is set but the server is an embedded PGlite`,
      );
    }
    await admin.db.execute(sql.raw(`CREATE DATABASE "${templateDatabase}"`));
    await migrateDatabase({
      connectionString: withDatabaseName(serverUrl, templateDatabase),
      webSocketConstructor: nodeWebSocket,
      ...(webSocketProxy ? { webSocketProxy } : {}),
    });
    log(
      `${projectName}: Postgres server ${describeServer(serverUrl)} (${server?.version.split(' ').slice(0, 2).join(' ')}), a migrated database per test file copied from ${templateDatabase}`,
    );
  } catch (error) {
    await dropDatabases(admin.db, databasePrefix).catch(() => undefined);
    await admin.close();
    await bridge.close();
    throw error;
  }

  return {
    config: {
      mode: 'server',
      adminUrl: serverUrl,
      templateDatabase,
      databasePrefix,
      webSocketProxy,
      httpEndpoint,
    },
    teardown: async () => {
      try {
        await dropDatabases(admin.db, databasePrefix);
      } finally {
        await admin.close();
        await bridge.close();
      }
    },
  };
}

/**
 * Vitest global setup for every project whose tests touch the database: runs
 * `setupTestDatabases` once per project and hands the result to the test files (`inject`), where
 * `createTestDatabase` uses it. The returned teardown drops every database the run created.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const databases = await setupTestDatabases(project.name);
  project.provide('codexTestDatabase', databases.config);
  return databases.teardown;
}

async function dropDatabases(
  db: ReturnType<typeof createDatabaseClient>['db'],
  prefix: string,
): Promise<void> {
  const { rows } = await db.execute<{ datname: string }>(
    sql`SELECT datname FROM pg_database WHERE starts_with(datname, ${prefix})`,
  );
  // Copies first: the template cannot be dropped while it is being copied.
  const names = rows
    .map((row) => row.datname)
    .sort((a, b) => Number(a.endsWith('template')) - Number(b.endsWith('template')));
  for (const name of names) {
    await db.execute(sql.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  }
}
