import { startStripeStub } from '@codex/local-stripe';
import type { TestProject } from 'vitest/node';
import { createTestDatabase } from './create-test-database';
import { setupTestDatabases } from './global-setup';
import { startJwksStandIn } from './jwks-stand-in/start-jwks-stand-in';
import { startResendStub } from './resend-stub';

/** What a worker test project receives (through `inject('workerTestEnv')`) to build its bindings. */
export interface WorkerTestEnv {
  /** A migrated database of this project's own. */
  DATABASE_URL: string;
  /** Bridge in front of it (empty for a remote server reached directly). */
  DATABASE_WS_PROXY: string;
  /** The bridge's SQL-over-HTTP endpoint (empty for a remote server: Neon's own). */
  DATABASE_HTTP_ENDPOINT: string;
  /** The Stripe stand-in, e.g. `http://127.0.0.1:41234`; its `/__stub/*` endpoints steer it. */
  STRIPE_API_BASE: string;
  /** The Resend stand-in, e.g. `http://127.0.0.1:41235`; its `/__stub/*` endpoints steer it. */
  RESEND_API_BASE: string;
  /** An identity provider's JWKS endpoint, e.g. `http://127.0.0.1:41236`; see `startJwksStandIn`. */
  JWKS_STAND_IN_BASE: string;
  /** `server` or `embedded`, as for `createTestDatabase`. */
  DATABASE_MODE: 'server' | 'embedded';
}

declare module 'vitest' {
  export interface ProvidedContext {
    workerTestEnv: WorkerTestEnv;
  }
}

/**
 * Vitest global setup for projects whose tests run inside the Workers runtime, which can neither
 * start a database nor a server: here, in Node, it prepares the project's test database (a server
 * copy or an embedded PGlite, see `setupTestDatabases`) and starts the Stripe, Resend and JWKS stand-ins, then hands
 * their addresses to the project's bindings. Tests isolate themselves by creating their own rows
 * (fresh customers, organizations and content per test).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const databases = await setupTestDatabases(project.name);
  const database = await createTestDatabase({ maxConnections: 2 }, databases.config).catch(
    async (error: unknown) => {
      await databases.teardown();
      throw error;
    },
  );
  const stub = await startStripeStub();
  const resend = await startResendStub();
  const jwks = await startJwksStandIn();
  project.provide('workerTestEnv', {
    DATABASE_URL: database.connectionString,
    DATABASE_WS_PROXY: database.webSocketProxy ?? '',
    DATABASE_HTTP_ENDPOINT: database.httpEndpoint ?? '',
    STRIPE_API_BASE: stub.url,
    RESEND_API_BASE: resend.url,
    JWKS_STAND_IN_BASE: jwks.url,
    DATABASE_MODE: database.mode,
  });
  return async () => {
    await stub.close();
    await resend.close();
    await jwks.close();
    await database.close();
    await databases.teardown();
  };
}
