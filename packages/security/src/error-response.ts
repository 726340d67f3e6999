import type { ApiErrorCode } from '@codex/validation';
import { apiErrorStatus } from '@codex/validation';
import type { Context } from 'hono';

/** The body of every error response. */
export interface ErrorBody {
  error: {
    code: ApiErrorCode;
    message: string;
    /** The request id set by the `requestId` middleware, or `unknown` when it did not run. */
    requestId: string;
  };
}

/** The request id that the `requestId` middleware stored on the context, if any. */
export function readRequestId(c: Context): string | undefined {
  const value: unknown = c.get('requestId');
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Builds the JSON error response for `code`: status from `apiErrorStatus`, body {@link ErrorBody},
 * `Cache-Control: no-store`, and `X-Request-Id` when the request has one. `headers` are added
 * (they cannot override the three above). Never throws.
 */
export function errorResponse(
  c: Context,
  code: ApiErrorCode,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): Response {
  const requestId = readRequestId(c);
  const body: ErrorBody = { error: { code, message, requestId: requestId ?? 'unknown' } };
  return c.json(body, apiErrorStatus[code], {
    ...headers,
    'Cache-Control': 'no-store',
    ...(requestId === undefined ? {} : { 'X-Request-Id': requestId }),
  });
}
