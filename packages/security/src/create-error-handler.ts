import type { ObservabilityClient } from '@codex/observability';
import type { ApiErrorCode } from '@codex/validation';
import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ApiError } from './api-error';
import { errorResponse, readRequestId } from './error-response';

/** Options for {@link createErrorHandler}. */
export interface ErrorHandlerOptions {
  /**
   * Maps domain errors (e.g. a purchases-service error with a `code`) to an {@link ApiError};
   * returns `undefined` for errors it does not own. Called for every error that is not already an
   * `ApiError`. If it throws, the original error is answered as a 500.
   */
  mapError?: (error: unknown) => ApiError | undefined;
  /** The logger for this request. 5xx are logged with `trackError`, 4xx with `info`. */
  logger: (c: Context) => ObservabilityClient;
}

/** Client-safe messages for errors whose own message must not be sent. */
const genericMessages = {
  VALIDATION_ERROR: 'Invalid request',
  UNAUTHORIZED: 'Missing or invalid credentials',
  NOT_FOUND: 'Not found',
  PAYLOAD_TOO_LARGE: 'Request body is too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  RATE_LIMITED: 'Too many requests',
  INTERNAL_ERROR: 'Internal server error',
} as const satisfies Partial<Record<ApiErrorCode, string>>;

type HttpExceptionCode = keyof typeof genericMessages;

const httpExceptionCodes: Readonly<Record<number, HttpExceptionCode>> = {
  400: 'VALIDATION_ERROR',
  401: 'UNAUTHORIZED',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

/** Headers of an exception's prepared response that describe its body, not the error. */
const bodyHeaders = new Set(['content-type', 'content-length', 'content-encoding']);

interface ResolvedError {
  code: ApiErrorCode;
  message: string;
  headers: Readonly<Record<string, string>>;
}

function fromHttpException(error: HTTPException): ResolvedError {
  const code: HttpExceptionCode =
    httpExceptionCodes[error.status] ??
    (error.status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_ERROR');
  const headers: Record<string, string> = {};
  // e.g. `WWW-Authenticate` from Hono's bearer-auth; the body and its headers are replaced.
  for (const [name, value] of error.res?.headers ?? []) {
    if (!bodyHeaders.has(name.toLowerCase())) {
      headers[name] = value;
    }
  }
  return { code, message: genericMessages[code], headers };
}

const internalError: ResolvedError = {
  code: 'INTERNAL_ERROR',
  message: genericMessages.INTERNAL_ERROR,
  headers: {},
};

/**
 * Builds the one `app.onError` handler of a worker. Guarantees:
 * - an {@link ApiError} (thrown, or returned by `mapError`) is answered with its status, code,
 *   message and headers;
 * - a Hono `HTTPException` is answered by status (400, 401, 404, 413, 415, 429 keep their meaning;
 *   other 4xx become 400 `VALIDATION_ERROR`, 5xx become 500 `INTERNAL_ERROR`) with a generic
 *   message, keeping the headers of its prepared response (e.g. `WWW-Authenticate`);
 * - anything else is a 500 `INTERNAL_ERROR` with the message `Internal server error`: the error's
 *   message, stack and properties are never sent;
 * - every response has the body `{ error: { code, message, requestId } }`, `Cache-Control:
 *   no-store` and `X-Request-Id` (when the `requestId` middleware ran);
 * - every 5xx is logged with `trackError` together with method, path (no query string) and request
 *   id; 4xx are logged at `info` without the error object.
 *
 * The handler never throws, even when `mapError` or the logger factory does.
 */
export function createErrorHandler(options: ErrorHandlerOptions): ErrorHandler {
  return function handleError(error, c) {
    const requestId = readRequestId(c) ?? 'unknown';
    const logContext = { method: c.req.method, path: c.req.path, requestId };

    let mapped: ApiError | undefined;
    let mappingFailure: { error: unknown } | undefined;
    if (error instanceof ApiError) {
      mapped = error;
    } else if (options.mapError !== undefined) {
      try {
        mapped = options.mapError(error);
      } catch (failure) {
        mappingFailure = { error: failure };
      }
    }

    let resolved: ResolvedError;
    if (mapped !== undefined) {
      resolved = mapped;
    } else if (error instanceof HTTPException && mappingFailure === undefined) {
      resolved = fromHttpException(error);
    } else {
      resolved = internalError;
    }

    const response = errorResponse(c, resolved.code, resolved.message, resolved.headers);
    log(options, c, (logger) => {
      const context = { ...logContext, code: resolved.code, status: response.status };
      if (response.status >= 500) {
        logger.trackError(error, context);
        if (mappingFailure !== undefined) {
          logger.trackError(mappingFailure.error, { ...context, stage: 'mapError' });
        }
      } else {
        logger.info('Request rejected', context);
      }
    });
    return response;
  };
}

/** Runs `write` with the request's logger; a throwing logger factory must not break the response. */
function log(
  options: ErrorHandlerOptions,
  c: Context,
  write: (logger: ObservabilityClient) => void,
): void {
  try {
    write(options.logger(c));
  } catch {
    console.error(
      JSON.stringify({
        level: 'error',
        message: 'Error logger failed',
        requestId: readRequestId(c),
      }),
    );
  }
}
