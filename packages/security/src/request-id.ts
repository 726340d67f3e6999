import type { MiddlewareHandler } from 'hono';

/** Options for {@link requestId}. */
export interface RequestIdOptions {
  /** Makes a new id when the request brings no usable one. Default: `crypto.randomUUID()`. */
  generate?: () => string;
}

const REQUEST_ID_HEADER = 'X-Request-Id';
const WELL_FORMED_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Gives every request an id: the incoming `X-Request-Id` when it matches
 * `/^[A-Za-z0-9._:-]{8,128}$/` (so a caller can correlate across services), otherwise a fresh
 * `crypto.randomUUID()`. The id is stored as `c.get('requestId')` and sent back as `X-Request-Id`
 * on every response, including those built by `notFound` and `onError`. Never throws.
 *
 * Register it first, so that everything after it (and the error handler) can read the id.
 *
 * Written by hand rather than wrapping `hono/request-id`: Hono's accepts `[\w=-]` of any length up
 * to a limit, which cannot express this pattern (dots and colons allowed, at least 8 characters).
 */
export const requestId = (
  options: RequestIdOptions = {},
): MiddlewareHandler<{ Variables: { requestId: string } }> => {
  const generate = options.generate ?? (() => crypto.randomUUID());
  return async function requestId(c, next) {
    const incoming = c.req.header(REQUEST_ID_HEADER);
    const id =
      incoming !== undefined && WELL_FORMED_REQUEST_ID.test(incoming) ? incoming : generate();
    c.set('requestId', id);
    // Before `next` for responses built from the context (c.json, onError, notFound) ...
    c.header(REQUEST_ID_HEADER, id);
    await next();
    // ... and after it for handlers that return a `new Response(...)` of their own.
    c.header(REQUEST_ID_HEADER, id);
  };
};
