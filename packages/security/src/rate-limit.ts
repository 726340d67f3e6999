import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from './api-error';

/** The shape of the Cloudflare Workers rate-limiting binding (`env.X.limit({ key })`). */
export interface RateLimiter {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

/** Options for {@link rateLimit}. */
export interface RateLimitOptions {
  /** The limiter for this request: the Workers binding, or `createMemoryRateLimiter` locally. */
  limiter: (c: Context) => RateLimiter;
  /** What is counted: e.g. the customer id, or `clientIp(c)` before authentication. */
  key: (c: Context) => string;
  /** The limiter's period; sent as `Retry-After` when the limit is hit. */
  periodSeconds: number;
}

/**
 * Counts each request against `limiter(c)` under `key(c)` and lets it through while the limiter
 * reports success.
 *
 * @throws Error at construction when `periodSeconds` is not a positive integer.
 * @throws ApiError `RATE_LIMITED` (429, `Retry-After: <periodSeconds>`) when the limiter refuses.
 *   A limiter that throws or rejects is not caught (the request fails with a 500).
 */
export const rateLimit = (options: RateLimitOptions): MiddlewareHandler => {
  const { periodSeconds } = options;
  if (!Number.isSafeInteger(periodSeconds) || periodSeconds <= 0) {
    throw new Error('rateLimit: periodSeconds must be a positive integer');
  }
  const retryAfter = String(periodSeconds);
  return async function rateLimit(c, next) {
    const { success } = await options.limiter(c).limit({ key: options.key(c) });
    if (!success) {
      throw new ApiError('RATE_LIMITED', 'Too many requests', {
        headers: { 'Retry-After': retryAfter },
      });
    }
    await next();
  };
};
