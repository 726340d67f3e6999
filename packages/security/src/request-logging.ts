import { ObservabilityClient } from '@codex/observability';
import type { Context, MiddlewareHandler } from 'hono';

export interface RequestLoggingOptions {
  /** The `service` of every line, e.g. `checkout`. */
  service: string;
  /** The deployment environment, read per request from the bindings. */
  environment: (c: Context) => string | undefined;
}

/**
 * Binds a request-scoped `ObservabilityClient` as `logger` (carrying the request id) and writes one
 * timing line per request: method, route pattern (never the raw path's query), status, duration.
 * Runs after `requestId()`.
 */
export const requestLogging = (
  options: RequestLoggingOptions,
): MiddlewareHandler<{ Variables: { requestId: string; logger: ObservabilityClient } }> =>
  async function requestLogging(c, next) {
    const started = Date.now();
    const logger = new ObservabilityClient(options.service, options.environment(c) ?? 'unknown', {
      requestId: c.var.requestId,
    });
    c.set('logger', logger);
    await next();
    logger.info('request completed', {
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      durationMs: Date.now() - started,
    });
  };
