import { type Database, withDatabase } from '@codex/database';
import { workerTestEnv } from './worker-test-env';

/**
 * Runs `work` with a database client on the test project's database and closes the client
 * afterwards, whether `work` resolved or threw. For arranging and checking rows around a request.
 */
export async function withTestDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
  const { DATABASE_URL, DATABASE_WS_PROXY } = workerTestEnv();
  return withDatabase(
    {
      connectionString: DATABASE_URL,
      ...(DATABASE_WS_PROXY ? { webSocketProxy: DATABASE_WS_PROXY } : {}),
    },
    work,
  );
}
