import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from './api-error';

/** Options for {@link limitBody}. */
export interface LimitBodyOptions {
  /** Largest accepted request body, in bytes. */
  maxBytes: number;
}

/**
 * Rejects request bodies larger than `maxBytes` (wraps `hono/body-limit`): a declared
 * `Content-Length` over the limit is refused before the body is read; a body without one
 * (chunked, streamed) is read up to the limit and refused as soon as it goes over. Either way it
 * throws `ApiError('PAYLOAD_TOO_LARGE')` (413 through the error handler).
 *
 * @throws Error at construction when `maxBytes` is not a non-negative safe integer.
 */
export const limitBody = (options: LimitBodyOptions): MiddlewareHandler => {
  const { maxBytes } = options;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new Error('limitBody: maxBytes must be a non-negative integer');
  }
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError('PAYLOAD_TOO_LARGE', `Request body must not exceed ${maxBytes} bytes`);
    },
  });
  return async function limitBody(c, next) {
    return limit(c, next);
  };
};
