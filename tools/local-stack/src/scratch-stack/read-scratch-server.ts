import { isLoopbackHost } from '@codex/database/node';

/**
 * The number in environment variable `name`, or `fallback` when it is unset or empty. Exits the
 * process with a message naming `command` when it is not a number > 0.
 */
export function readPositiveNumber(command: string, name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`${command}: ${name} must be a number > 0, not ${raw}`);
    process.exit(1);
  }
  return value;
}

/**
 * `DATABASE_URL`, the Postgres server a command creates its scratch database on. Exits the process
 * with a message naming `command` when it is missing (`why` says why the embedded database will
 * not do) or names a server off this machine.
 */
export function readScratchServer(command: string, why: string): URL {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    console.error(
      `${command}: set DATABASE_URL to a Postgres server (e.g. postgres://postgres@127.0.0.1:5432/postgres); the embedded database serialises connections, so ${why}.`,
    );
    process.exit(1);
  }
  const server = new URL(serverUrl);
  if (!isLoopbackHost(server.hostname)) {
    console.error(
      `${command}: DATABASE_URL must name a Postgres server on this machine (loopback): the workers reach it through the local bridge, behind the latency proxy.`,
    );
    process.exit(1);
  }
  return server;
}
