import { type ApiErrorCode, type ApiErrorStatus, apiErrorStatus } from '@codex/validation';

/** Options for {@link ApiError}. */
export interface ApiErrorOptions {
  /** Response headers to send with the error (e.g. `WWW-Authenticate`, `Retry-After`). */
  headers?: Record<string, string>;
  /** The underlying failure; logged for 5xx responses, never sent to the client. */
  cause?: unknown;
}

/**
 * An error meant for the client: the error handler from `createErrorHandler` answers it with
 * `apiErrorStatus[code]`, the body `{ error: { code, message, requestId } }` and `headers`.
 *
 * The `message` IS sent to the client, so it must be written for the client and never contain
 * internals or echo rejected input. Put internal detail in `cause` (it is only logged).
 */
export class ApiError extends Error {
  /** The API error code; decides the status. */
  readonly code: ApiErrorCode;
  /** `apiErrorStatus[code]`. */
  readonly status: ApiErrorStatus;
  /** Extra response headers (a frozen copy of `options.headers`). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ApiErrorCode, message: string, options: ApiErrorOptions = {}) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.name = 'ApiError';
    this.code = code;
    this.status = apiErrorStatus[code];
    this.headers = Object.freeze({ ...options.headers });
  }
}
