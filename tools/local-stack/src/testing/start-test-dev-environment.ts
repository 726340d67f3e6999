import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@codex/test-utils';
import { generatePlaybackGrantDevVars } from '../dev-vars';
import { type DevEnvironment, startDevEnvironment } from '../start-dev-environment';
import { freePorts, startOnFreePorts } from '../start-on-free-ports';

export interface StartTestDevEnvironmentOptions {
  /** The checkout worker's `AUTH_JWT_SECRET`; the test signs its buyers' tokens with it. */
  jwtSecret: string;
  /** The demo buyer of the demo web app's `/config.json`. */
  customerId: string;
  /** `PLAYBACK_GRANT_LIFETIME_SECONDS` (10 to 300). */
  grantLifetimeSeconds: number;
  /** Receives every line the environment prints. */
  log: (line: string) => void;
}

export interface TestDevEnvironment {
  dev: DevEnvironment;
  /** Stops everything and removes the database and folders it made. Safe to call twice. */
  stop: () => Promise<void>;
}

/**
 * A line with a thrown error a worker logged (`trackError`: what a 500 was; an expected refusal
 * logged at level error carries no `error`), or a database bridge failure.
 */
function isErrorLine(line: string): boolean {
  return (
    (line.includes('"level":"error"') && line.includes('"error":{')) ||
    line.startsWith('bridge error:')
  );
}

/**
 * What `pnpm dev` starts (startDevEnvironment), for a test: free ports, a fresh database (a new
 * database of the Postgres server when `TEST_DATABASE_URL` or `DATABASE_URL` is set, else an
 * embedded PGlite in a temporary folder), a temporary mailbox and media bucket, a fresh playback
 * grant key pair with the given lifetime (so the media gate starts), quick local Stripe timings,
 * and no dev cron (tests fire it when they need it).
 */
export async function startTestDevEnvironment(
  options: StartTestDevEnvironmentOptions,
): Promise<TestDevEnvironment> {
  const serverMode = Boolean(process.env.TEST_DATABASE_URL || process.env.DATABASE_URL);
  let database: TestDatabase | undefined;
  const folders: string[] = [];
  let dev: DevEnvironment | undefined;
  const stop = async () => {
    await dev?.stop();
    dev = undefined;
    await database?.close();
    database = undefined;
    for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
  };
  try {
    if (serverMode) database = await createTestDatabase({ migrate: false });
    const dataDir = serverMode ? undefined : await mkdtemp(join(tmpdir(), 'codex-dev-test-'));
    if (dataDir) folders.push(dataDir);
    const mailboxDir = await mkdtemp(join(tmpdir(), 'codex-mailbox-'));
    const mediaDir = await mkdtemp(join(tmpdir(), 'codex-media-'));
    folders.push(mailboxDir, mediaDir);
    const grantKeys = await generatePlaybackGrantDevVars();
    const output: string[] = [];
    const log = (line: string) => {
      output.push(line);
      options.log(line);
      // A worker's thrown error (what a 500 was) reaches the test run's output, which CI keeps.
      if (isErrorLine(line)) console.error(line);
    };
    dev = await startOnFreePorts(
      async () => {
        const ports = await freePorts([
          'checkout',
          'webhooks',
          'bridge',
          'database',
          'stripe',
          'webApp',
          'mailbox',
          'mediaGate',
        ] as const);
        return startDevEnvironment({
          databaseUrl: database?.connectionString,
          ...(dataDir ? { dataDir } : {}),
          ports,
          mailboxDir,
          mediaDir,
          cronIntervalMs: 0,
          jwtSecret: options.jwtSecret,
          environment: 'development',
          customerId: options.customerId,
          vars: {
            ENVIRONMENT: 'development',
            AUTH_JWT_SECRET: options.jwtSecret,
            ...grantKeys,
            PLAYBACK_GRANT_LIFETIME_SECONDS: String(options.grantLifetimeSeconds),
          },
          localStripe: { delayedSettlementMs: 1_500, failingRefundMs: 1_000 },
          log,
        });
      },
      { output: () => output },
    );
    return { dev, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
