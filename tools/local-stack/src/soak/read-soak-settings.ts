import { readPositiveNumber, readScratchServer } from '../scratch-stack/read-scratch-server';

/** What `pnpm soak` reads from the environment. */
export interface SoakSettings {
  /** `SOAK_PURCHASES`: how many buyers each buy one item and live through a money history. */
  purchases: number;
  /** `SOAK_CONCURRENCY`: how many of them are in flight at once. */
  concurrency: number;
  /** `SOAK_SEED`: the seed of every random choice (histories, deliveries, faults). */
  seed: number;
  /** When the run gives up, whatever hangs. */
  watchdogMs: number;
  /** `DATABASE_URL`: a Postgres server on loopback. */
  server: URL;
}

/** The CI size: about two minutes on a 2-core machine. */
const DEFAULT_PURCHASES = 50;
const DEFAULT_CONCURRENCY = 6;

/**
 * Reads `SOAK_PURCHASES`, `SOAK_CONCURRENCY`, `SOAK_SEED` (a 32-bit integer; a random one when
 * unset) and `DATABASE_URL`. Exits the process with a message when a value is not usable.
 */
export function readSoakSettings(): SoakSettings {
  const purchases = Math.floor(
    readPositiveNumber('pnpm soak', 'SOAK_PURCHASES', DEFAULT_PURCHASES),
  );
  const concurrency = Math.floor(
    readPositiveNumber('pnpm soak', 'SOAK_CONCURRENCY', DEFAULT_CONCURRENCY),
  );
  const rawSeed = process.env.SOAK_SEED;
  const seed =
    rawSeed === undefined || rawSeed === '' ? Math.floor(Math.random() * 2 ** 31) : Number(rawSeed);
  if (!Number.isInteger(seed) || seed < -(2 ** 31) || seed >= 2 ** 31) {
    console.error(`pnpm soak: SOAK_SEED must be a 32-bit integer, not ${rawSeed}`);
    process.exit(1);
  }
  // A safety net, several times a normal run: start-up, the purchases (about 2 s each, over the
  // concurrency), reconciliation and the e-mails' backoff.
  const watchdogMs = 600_000 + Math.ceil((purchases * 4_000) / concurrency);
  const server = readScratchServer('pnpm soak', 'its races would run one after another');
  return { purchases, concurrency, seed, watchdogMs, server };
}
