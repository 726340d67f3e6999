import type { Context, MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

/** Options for {@link corsForWebApp}. */
export interface CorsForWebAppOptions {
  /**
   * The web app's origin, exactly as browsers send it (`https://app.codex.example`: scheme, host,
   * optional port, no path or trailing slash), or a function reading it per request (from bindings).
   */
  origin: string | ((c: Context) => string);
}

/** Whether `value` is a bare `scheme://host[:port]` origin. */
function isBareOrigin(value: string): boolean {
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}

function assertBareOrigin(value: string): void {
  if (!isBareOrigin(value)) {
    throw new Error('corsForWebApp: origin must be a bare origin such as https://app.example.com');
  }
}

/**
 * CORS for the web app only (wraps `hono/cors`). Guarantees:
 * - `Access-Control-Allow-Origin` is sent only when the request's `Origin` equals the configured
 *   origin exactly; any other origin (or none) gets no CORS allowance;
 * - methods GET, POST, OPTIONS; request headers Authorization, Content-Type, X-Request-Id;
 *   exposed headers X-Request-Id, Retry-After; preflight cached 600 s; no credentials (the API
 *   uses bearer tokens, not cookies); `Vary: Origin`.
 *
 * @throws Error at construction when a string `origin` is not a bare origin (`*`, empty, with a
 *   path...), and per request when the function form returns one (misconfiguration, answered 500).
 */
export const corsForWebApp = (options: CorsForWebAppOptions): MiddlewareHandler => {
  const configured = options.origin;
  if (typeof configured === 'string') {
    assertBareOrigin(configured);
  }
  const handle = cors({
    origin: (requestOrigin, c) => {
      const allowed = typeof configured === 'string' ? configured : configured(c);
      if (typeof configured !== 'string') {
        assertBareOrigin(allowed);
      }
      return requestOrigin === allowed ? allowed : null;
    },
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'],
    exposeHeaders: ['X-Request-Id', 'Retry-After'],
    maxAge: 600,
    credentials: false,
  });
  return async function corsForWebApp(c, next) {
    return handle(c, next);
  };
};
