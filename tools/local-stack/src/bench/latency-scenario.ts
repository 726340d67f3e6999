import type { PreparedRequest } from '../measure-sequential-latency';

/** One request kind of the round-trips table. */
export interface LatencyScenario {
  name: string;
  /** The next request of this scenario (built untimed), or undefined when its state is used up. */
  next: () => PreparedRequest | undefined | Promise<PreparedRequest | undefined>;
  isExpected: (status: number, body: string) => boolean;
}

/**
 * True when `body` is JSON whose `data` (or, without one, the body itself) has each of `expected`'s
 * members with that exact value.
 */
export const hasJson = (expected: Record<string, unknown>) => (body: string) => {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const data = (parsed.data ?? parsed) as Record<string, unknown>;
    return Object.entries(expected).every(([key, value]) => data[key] === value);
  } catch {
    return false;
  }
};
