import { type ApiErrorCode, apiErrorStatus } from '@codex/security';
import { z } from '@hono/zod-openapi';

/** When each code is answered and an example message (the messages the code really sends). */
const errorDocs: Record<ApiErrorCode, { when: string; message: string }> = {
  VALIDATION_ERROR: {
    when: 'Malformed JSON, a malformed id, a missing field or unknown fields (a client-sent price or organization is refused, not ignored), or a refund request without a valid `Idempotency-Key` header. The message lists the issues as `path: message`; it never repeats what the client sent.',
    message: 'contentId: must be a UUID',
  },
  INVALID_CURSOR: {
    when: "A `cursor` this list did not issue (tampered, truncated, or another list's). Start again without a cursor.",
    message: 'This page link is not valid; start again from the first page',
  },
  UNAUTHORIZED: {
    when: 'Token missing, malformed, expired, not yet valid, wrongly signed, without `exp`, or with a bad `sub` (one message for all). Sent with `WWW-Authenticate: Bearer`.',
    message: 'Missing or invalid credentials',
  },
  FORBIDDEN: {
    when: "Staff routes (`/api/organizations/{orgId}/...`): the token's role in this organization does not allow the action (a `member` asking for an owner or admin action). No role at all in the organization is a 404, like an unknown id.",
    message: 'Your role in this organization does not allow this',
  },
  NOT_FOUND: {
    when: "No such checkout session or purchase for this customer (another customer's is answered the same way, so ids cannot be probed); on staff routes, no role in the organization, or a purchase that is not the organization's.",
    message: 'Checkout session not found',
  },
  CONTENT_NOT_FOUND: {
    when: 'The content is missing, a draft or archived.',
    message: 'Content not found',
  },
  ALREADY_PURCHASED: {
    when: 'The customer owns it (including under an open dispute), or a payment for it is already under way at Stripe. After a full refund or a lost dispute the customer may buy again.',
    message: 'This content has already been purchased',
  },
  PURCHASE_NOT_COMPLETED: {
    when: 'A refund of a purchase that is pending or failed: there is no payment to give back.',
    message: 'Only a completed purchase can be refunded',
  },
  PURCHASE_DISPUTED: {
    when: "A refund of a purchase whose charge is disputed (open) or lost its dispute: the card network holds the money. A won dispute's purchase can be refunded.",
    message:
      "The purchase's charge is disputed, or lost its dispute: the bank holds its money, it cannot be refunded",
  },
  REFUND_EXCEEDS_REMAINING: {
    when: 'A refund of more than what is left to refund (the charged amount less refunds pending or succeeded), or of a purchase with nothing left; also when Stripe says so (a Dashboard refund got there first), in which case the same key answers the same refusal again.',
    message: 'At most 400 (minor units) is left to refund on this purchase',
  },
  IDEMPOTENCY_KEY_REUSED: {
    when: 'The `Idempotency-Key` was already used in this organization for a refund request with other fields (another purchase, amount, reason, note or `revokeAccess`). Use a new key for a new request.',
    message:
      'This Idempotency-Key was already used for a different refund request in this organization',
  },
  PAYLOAD_TOO_LARGE: {
    when: 'The request body is over 8 KiB.',
    message: 'Request body must not exceed 8192 bytes',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    when: 'The body is not `application/json` (a `charset` other than `utf-8` counts as not).',
    message: 'Content-Type must be application/json',
  },
  RATE_LIMITED: {
    when: 'More than 10 checkouts a minute for one customer; `Retry-After` says when to retry.',
    message: 'Too many requests',
  },
  INTERNAL_ERROR: {
    when: 'Anything unexpected, including a missing or malformed binding; never echoes internals (the cause is logged, redacted).',
    message: 'Internal server error',
  },
  PAYMENT_PROVIDER_ERROR: {
    when: 'Stripe failed or timed out; a purchase being created for it is marked failed.',
    message: 'The payment provider is unavailable',
  },
  SERVICE_UNAVAILABLE: {
    when: 'A dependency is temporarily unavailable.',
    message: 'Service unavailable',
  },
  PAYMENT_PROVIDER_NOT_CONFIGURED: {
    when: 'Paid content while no `STRIPE_SECRET_KEY` is set (local runs); nothing is written.',
    message: 'Payments are not available right now',
  },
};

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

/** Headers every answer carries. */
export const requestIdHeader = {
  'X-Request-Id': z.string().openapi({
    description:
      'The request id (a well-formed incoming `X-Request-Id` is kept); also in error bodies.',
    example: '7c1e4a52-0d39-4b8e-a6f3-2f5b9c81d047',
  }),
};

const EXAMPLE_REQUEST_ID = '7c1e4a52-0d39-4b8e-a6f3-2f5b9c81d047';

/** The status an error code is answered with. */
type StatusOf<C extends ApiErrorCode> = (typeof apiErrorStatus)[C];

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
 * `apiErrorStatus` gives each code: the error body with `code` narrowed to the codes of that status,
 * one example per code, and the headers they carry. The codes are checked against the one
 * code→status table, so the document cannot give a code another status than the worker does.
 */
export function errorResponses<const C extends ApiErrorCode>(
  codes: readonly C[],
  /** Example messages of this route where they differ from the usual ones (a parameter's name). */
  messages: Partial<Record<C, string>> = {},
): ErrorResponses<C> {
  const byStatus = new Map<number, C[]>();
  for (const code of codes) {
    const status = apiErrorStatus[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<number, ErrorResponse> = {};
  for (const [status, statusCodes] of byStatus) {
    const [first, ...rest] = statusCodes;
    if (first === undefined) continue;
    responses[status] = {
      description: statusCodes.map((code) => `\`${code}\`: ${errorDocs[code].when}`).join('\n\n'),
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
                    message: messages[code] ?? errorDocs[code].message,
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
