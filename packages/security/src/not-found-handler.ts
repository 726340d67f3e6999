import type { Context } from 'hono';
import { errorResponse } from './error-response';

/**
 * For `app.notFound`: answers 404 `NOT_FOUND` with the standard error body, `Cache-Control:
 * no-store` and the request id. The path is not echoed. Never throws.
 */
export function notFoundHandler(c: Context): Response {
  return errorResponse(c, 'NOT_FOUND', 'Not found');
}
