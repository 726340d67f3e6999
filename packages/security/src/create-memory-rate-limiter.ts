import type { RateLimiter } from './rate-limit';

/** Options for {@link createMemoryRateLimiter}. */
export interface MemoryRateLimiterOptions {
  /** Requests allowed per key in each window. */
  limit: number;
  /** Window length in seconds. */
  periodSeconds: number;
  /** Clock in milliseconds since the epoch, like `Date.now` (the default). */
  now?: () => number;
  /** Most keys tracked at once; the oldest key is forgotten beyond it. Default 10 000. */
  maxKeys?: number;
}

const DEFAULT_MAX_KEYS = 10_000;

function assertPositiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Error(`createMemoryRateLimiter: ${name} must be a positive integer`);
  }
}

/**
 * An in-memory stand-in for the Workers rate-limiting binding, for local runs where the binding is
 * absent. Fixed windows aligned to the clock (`floor(now / period)`): each key may make `limit`
 * requests per window; refused requests do not count. Memory is bounded: all counters are dropped
 * when the window changes, and at most `maxKeys` keys are kept (the oldest is forgotten first).
 *
 * Per isolate only, like the binding's own counts: not a global, exact limit.
 *
 * @throws Error when `limit`, `periodSeconds` or `maxKeys` is not a positive integer.
 */
export function createMemoryRateLimiter(options: MemoryRateLimiterOptions): RateLimiter {
  const { limit, periodSeconds, maxKeys = DEFAULT_MAX_KEYS } = options;
  assertPositiveInteger('limit', limit);
  assertPositiveInteger('periodSeconds', periodSeconds);
  assertPositiveInteger('maxKeys', maxKeys);
  const now = options.now ?? Date.now;
  const periodMs = periodSeconds * 1000;
  const counts = new Map<string, number>();
  let currentWindow: number | undefined;

  return {
    limit({ key }) {
      const window = Math.floor(now() / periodMs);
      if (window !== currentWindow) {
        counts.clear();
        currentWindow = window;
      }
      const used = counts.get(key) ?? 0;
      if (used >= limit) {
        return Promise.resolve({ success: false });
      }
      if (used === 0 && counts.size >= maxKeys) {
        const oldest = counts.keys().next();
        if (oldest.done !== true) {
          counts.delete(oldest.value);
        }
      }
      counts.set(key, used + 1);
      return Promise.resolve({ success: true });
    },
  };
}
