import type { Context } from 'hono';
import { ApiError } from './api-error';

/**
 * Whether a `Content-Type` value is `application/json` (any case). A `charset` parameter is
 * allowed when it is `utf-8` (JSON is UTF-8, RFC 8259); other parameters are ignored.
 */
function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) {
    return false;
  }
  const [mediaType = '', ...parameters] = value.split(';');
  if (mediaType.trim().toLowerCase() !== 'application/json') {
    return false;
  }
  return parameters.every((parameter) => {
    const [name = '', ...rest] = parameter.split('=');
    if (name.trim().toLowerCase() !== 'charset') {
      return true;
    }
    const charset = rest
      .join('=')
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
    return charset === 'utf-8';
  });
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Reads the request body as JSON.
 *
 * @returns the parsed value (`unknown`: validate it, e.g. with `parseWith`).
 * @throws ApiError `UNSUPPORTED_MEDIA_TYPE` (415) unless `Content-Type` is `application/json`
 *   (optionally `; charset=utf-8`).
 * @throws ApiError `VALIDATION_ERROR` (400) `Request body is not valid JSON` when the body is
 *   empty, not UTF-8, or not JSON. The body is never echoed.
 *
 * Does not limit the size: put `limitBody` in front of the route.
 */
export async function readJsonBody(c: Context): Promise<unknown> {
  if (!isJsonContentType(c.req.header('Content-Type'))) {
    throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json');
  }
  const bytes = await c.req.arrayBuffer();
  try {
    const parsed: unknown = JSON.parse(strictUtf8.decode(bytes));
    return parsed;
  } catch {
    throw new ApiError('VALIDATION_ERROR', 'Request body is not valid JSON');
  }
}
