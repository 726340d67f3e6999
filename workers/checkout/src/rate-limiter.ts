import { createMemoryRateLimiter, type RateLimiter } from '@codex/security';

const limiters = new Map<string, RateLimiter>();

/**
 * In-memory stand-in for the Cloudflare rate-limiting binding when it is not bound (plain local
 * runs). Per isolate, so only an approximation of the real, per-location limit.
 */
export function fallbackRateLimiter(options: {
  limit: number;
  periodSeconds: number;
}): RateLimiter {
  const key = `${options.limit}/${options.periodSeconds}`;
  let limiter = limiters.get(key);
  if (!limiter) {
    limiter = createMemoryRateLimiter(options);
    limiters.set(key, limiter);
  }
  return limiter;
}
