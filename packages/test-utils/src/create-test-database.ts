import { randomBytes } from 'node:crypto';
import {
  createDatabaseClient,
  createHttpDatabaseClient,
  type Database,
  type HttpDatabase,
  sql,
} from '@codex/database';
import { migrateDatabase } from '@codex/database/node';
import { PGlite } from '@electric-sql/pglite';
import { serveEmbeddedPostgres } from './embedded-postgres';
import { nodeWebSocket } from './node-websocket';
import { type TestDatabaseConfig, withDatabaseName } from './test-database-config';

export interface TestDatabase {
  /** Drizzle on the production driver (`@neondatabase/serverless` Pool), connected to this file's own database. */
  db: Database;
  /** Connection string of this database, e.g. for a second client or a worker binding. */
  connectionString: string;
  /** Bridge the driver must use for this database (`DatabaseClientOptions.webSocketProxy`). */
  webSocketProxy: string | undefined;
  /** The SQL-over-HTTP endpoint in front of it (`HttpDatabaseClientOptions.httpEndpoint`). */
  httpEndpoint: string | undefined;
  /** Drizzle on SQL over HTTP (one request per statement or batch), on the same database. */
  http: HttpDatabase;
  /** `server`: a real Postgres server, connections truly parallel. `embedded`: PGlite, connections serialised. */
  mode: 'server' | 'embedded';
  /** Closes the pool and drops (or stops) the database. */
  close: () => Promise<void>;
}

export interface CreateTestDatabaseOptions {
  /** Pool size of `db`; raise it for race tests that need many parallel connections. Default 10. */
  maxConnections?: number;
  /** `false` gives an empty database (no schema), for tests of the migrator itself. Default true. */
  migrate?: boolean;
}

// Enough for a race test's parallel connections; PGlite serialises them anyway.
const EMBEDDED_MAX_CONNECTIONS = 256;

/**
 * Gives the calling test file a database of its own, migrated the way production is: a copy of the
 * run's template on the Postgres server, or a fresh embedded PGlite when no server was configured
 * (see the global setup). Files never see each other's rows, so they can run in parallel. Call it
 * in `beforeAll` and `close()` it in `afterAll`.
 */
export async function createTestDatabase(
  options: CreateTestDatabaseOptions = {},
  // Test files read it from the global setup; a global setup passes its own.
  given?: TestDatabaseConfig,
): Promise<TestDatabase> {
  // Imported lazily: a global setup must not load Vitest's test runtime ("Vitest failed to access
  // its internal state"), and it always passes `given`.
  const config = given ?? (await import('vitest')).inject('codexTestDatabase');
  if (!config) {
    throw new Error(
      'createTestDatabase: no test database configured; add @codex/test-utils/global-setup to the project’s globalSetup',
    );
  }
  const maxConnections = options.maxConnections ?? 10;
  const shouldMigrate = options.migrate ?? true;

  if (config.mode === 'server') {
    const { adminUrl, templateDatabase, databasePrefix, webSocketProxy, httpEndpoint } = config;
    const name = `${databasePrefix}${randomBytes(6).toString('hex')}`;
    const proxy = webSocketProxy ? { webSocketProxy } : {};
    const admin = createDatabaseClient({
      connectionString: adminUrl,
      webSocketConstructor: nodeWebSocket,
      maxConnections: 1,
      ...proxy,
    });
    try {
      // template0 is Postgres's pristine empty database: the same server, no schema.
      const template = shouldMigrate ? templateDatabase : 'template0';
      await admin.db.execute(sql.raw(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
    } catch (error) {
      await admin.close();
      throw error;
    }
    return connectTestDatabase(withDatabaseName(adminUrl, name), {
      mode: 'server',
      webSocketProxy,
      httpEndpoint,
      maxConnections,
      release: async () => {
        try {
          await admin.db.execute(sql.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
        } finally {
          await admin.close();
        }
      },
    });
  }

  const pglite = await PGlite.create();
  const server = await serveEmbeddedPostgres({
    pglite,
    port: 0,
    maxConnections: EMBEDDED_MAX_CONNECTIONS,
  });
  const connectionString = `postgres://postgres@${server.getServerConn()}/postgres`;
  const { webSocketProxy, httpEndpoint } = config;
  try {
    if (shouldMigrate) {
      await migrateDatabase({
        connectionString,
        webSocketProxy,
        webSocketConstructor: nodeWebSocket,
      });
    }
  } catch (error) {
    await server.stop();
    await pglite.close();
    throw error;
  }
  return connectTestDatabase(connectionString, {
    mode: 'embedded',
    webSocketProxy,
    httpEndpoint,
    maxConnections,
    release: async () => {
      await server.stop();
      await pglite.close();
    },
  });
}

/** How {@link connectTestDatabase} reaches a database and what it releases on `close`. */
interface ConnectTestDatabaseOptions {
  mode: TestDatabase['mode'];
  webSocketProxy: string | undefined;
  httpEndpoint: string | undefined;
  maxConnections: number;
  /** Drops or stops the database, after the pool has closed. */
  release: () => Promise<void>;
}

/** The clients of a created database; `close` ends the pool, then releases the database. */
function connectTestDatabase(
  connectionString: string,
  { mode, webSocketProxy, httpEndpoint, maxConnections, release }: ConnectTestDatabaseOptions,
): TestDatabase {
  const client = createDatabaseClient({
    connectionString,
    webSocketConstructor: nodeWebSocket,
    maxConnections,
    ...(webSocketProxy ? { webSocketProxy } : {}),
  });
  return {
    db: client.db,
    http: httpClient(connectionString, httpEndpoint),
    connectionString,
    webSocketProxy,
    httpEndpoint,
    mode,
    close: async () => {
      await client.close();
      await release();
    },
  };
}

function httpClient(connectionString: string, httpEndpoint: string | undefined): HttpDatabase {
  return createHttpDatabaseClient({
    connectionString,
    ...(httpEndpoint ? { httpEndpoint } : {}),
  }).db;
}
