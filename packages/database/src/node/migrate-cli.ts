import { isLoopbackHost, startDatabaseBridge } from './bridge';
import { migrateDatabase } from './migrate';

// `pnpm db:migrate`: applies pending migrations to DATABASE_URL (a local server or Neon).
const connectionString = process.env.DATABASE_URL;
if (!connectionString) {
  console.error(
    'db:migrate: DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/codex)',
  );
  process.exit(1);
}

const { hostname, pathname } = new URL(connectionString);
const bridge = isLoopbackHost(hostname) ? await startDatabaseBridge() : undefined;
try {
  await migrateDatabase({
    connectionString,
    ...(bridge ? { webSocketProxy: bridge.webSocketProxy } : {}),
  });
  console.log(`db:migrate: ${hostname}${pathname} is up to date`);
} catch (error) {
  // The driver's message never contains the password; the connection string is not printed.
  console.error('db:migrate: failed:', error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await bridge?.close();
}
