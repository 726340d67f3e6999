import { type ApiErrorCode, apiErrors } from '@codex/validation';
import { z } from '@hono/zod-openapi';
import { requestIdHeader } from './response-headers';

/** Response headers that come with particular codes. */
const errorHeaders: Partial<Record<ApiErrorCode, Record<string, z.ZodType>>> = {
  UNAUTHORIZED: {
    'WWW-Authenticate': z.literal('Bearer').openapi({ description: 'Always `Bearer`.' }),
  },
  RATE_LIMITED: {
    'Retry-After': z
      .string()
      .openapi({ description: 'Seconds to wait before retrying.', example: '60' }),
  },
};

const EXAMPLE_REQUEST_ID = '7c1e4a52-0d39-4b8e-a6f3-2f5b9c81d047';

/** The status an error code is answered with. */
type StatusOf<C extends ApiErrorCode> = (typeof apiErrors)[C]['status'];

/** One documented error body per status: `{ error: { code, message, requestId } }`. */
type ErrorBodySchema = z.ZodType<{
  error: { code: ApiErrorCode; message: string; requestId: string };
}>;

/** One documented error response. */
export interface ErrorResponse {
  description: string;
  headers: z.ZodObject;
  content: {
    'application/json': {
      schema: ErrorBodySchema;
      examples: Record<string, { summary: string; value: unknown }>;
    };
  };
}

/** What {@link errorResponses} returns: one response per status the given codes map to. */
export type ErrorResponses<C extends ApiErrorCode> = { [S in StatusOf<C>]: ErrorResponse };

/**
 * The error responses of a route that can answer `codes`, grouped by the status
 * the one error table (`apiErrors` in `@codex/validation`) gives each code: the error body with
 * `code` narrowed to the codes of that status, one example per code (the table's), the table's
 * text of when each is answered, and the headers they carry. The document cannot give a code
 * another status or meaning than the worker does.
 */
export function errorResponses<const C extends ApiErrorCode>(
  codes: readonly C[],
  /** Example messages of this route where they differ from the usual ones (a parameter's name). */
  messages: Partial<Record<C, string>> = {},
): ErrorResponses<C> {
  const byStatus = new Map<number, C[]>();
  for (const code of codes) {
    const { status } = apiErrors[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<number, ErrorResponse> = {};
  for (const [status, statusCodes] of byStatus) {
    const [first, ...rest] = statusCodes;
    if (first === undefined) continue;
    responses[status] = {
      description: statusCodes.map((code) => `\`${code}\`: ${apiErrors[code].when}`).join('\n\n'),
      headers: z.object({
        ...requestIdHeader,
        'Cache-Control': z.literal('no-store'),
        ...Object.assign({}, ...statusCodes.map((code) => errorHeaders[code] ?? {})),
      }),
      content: {
        'application/json': {
          schema: z.object({
            error: z.object({
              code: z.enum([first, ...rest]),
              message: z.string().openapi({
                description: 'For the client; never contains internals or echoes rejected input.',
              }),
              requestId: z.string().openapi({ description: 'Equals the `X-Request-Id` header.' }),
            }),
          }),
          examples: Object.fromEntries(
            statusCodes.map((code) => [
              code,
              {
                summary: code,
                value: {
                  error: {
                    code,
                    message: messages[code] ?? apiErrors[code].message,
                    requestId: EXAMPLE_REQUEST_ID,
                  },
                },
              },
            ]),
          ),
        },
      },
    };
  }
  // Built above with exactly one entry per status of `codes`.
  return responses as ErrorResponses<C>;
}

/**
 * What every `/api` route can answer whatever it does: the middleware on `/api/*` refuses a bad
 * token (401) and a body over the limit (413), and a misconfigured worker answers 500.
 */
export const BUYER_API_ERRORS = ['UNAUTHORIZED', 'PAYLOAD_TOO_LARGE', 'INTERNAL_ERROR'] as const;
type BuyerApiErrorCode = (typeof BUYER_API_ERRORS)[number];

/**
 * The error responses of an `/api` route: {@link errorResponses} of the route's own `codes` and of
 * {@link BUYER_API_ERRORS}, which every `/api` route can answer.
 */
export function apiErrorResponses<const C extends ApiErrorCode>(
  codes: readonly C[],
  messages: Partial<Record<NoInfer<C> | BuyerApiErrorCode, string>> = {},
): ErrorResponses<C | BuyerApiErrorCode> {
  return errorResponses<C | BuyerApiErrorCode>([...BUYER_API_ERRORS, ...codes], messages);
}
