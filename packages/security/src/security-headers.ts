import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/** Options for {@link securityHeaders}. */
export interface SecurityHeadersOptions {
  /**
   * The `Strict-Transport-Security` value, or `false` to send none (local development over plain
   * http). Default: `max-age=63072000; includeSubDomains; preload`.
   */
  strictTransportSecurity?: string | false;
}

const DEFAULT_STRICT_TRANSPORT_SECURITY = 'max-age=63072000; includeSubDomains; preload';

/**
 * Strict security headers for a JSON API, set on every response that passes through it, including
 * error responses built by `onError` and `notFound` (Hono answers an error where it is thrown, so
 * middleware registered earlier still sees the error response after `next()`):
 * `Content-Security-Policy: default-src 'none'; frame-ancestors 'none'`,
 * `Strict-Transport-Security` (see options), `X-Content-Type-Options: nosniff`,
 * `X-Frame-Options: DENY`, `Referrer-Policy: no-referrer`,
 * `Cross-Origin-Resource-Policy: same-origin`, plus the rest of Hono's `secureHeaders` defaults;
 * `X-Powered-By` is removed. Handlers cannot weaken them: these values overwrite theirs.
 *
 * Register it right after `requestId` and before anything that can throw; an error thrown by
 * middleware registered before it does not get the headers.
 *
 * @throws Error at construction when `strictTransportSecurity` is an empty string.
 */
export const securityHeaders = (options: SecurityHeadersOptions = {}): MiddlewareHandler => {
  const strictTransportSecurity =
    options.strictTransportSecurity ?? DEFAULT_STRICT_TRANSPORT_SECURITY;
  if (strictTransportSecurity === '') {
    throw new Error('securityHeaders: strictTransportSecurity must be a header value or false');
  }
  const secure = secureHeaders({
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    strictTransportSecurity,
    xContentTypeOptions: 'nosniff',
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
    crossOriginResourcePolicy: 'same-origin',
    removePoweredBy: true,
    overwrite: true,
  });
  return async function securityHeaders(c, next) {
    await secure(c, next);
  };
};
