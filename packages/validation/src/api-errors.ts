/** One error code of the API: its HTTP status, when it is answered, and an example message. */
export interface ApiErrorDefinition {
  status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 502 | 503;
  /** When the code is answered, for the OpenAPI document and the READMEs. */
  when: string;
  /** A message the code really sends (the OpenAPI document's example). */
  message: string;
  /** True for a refusal the purchases package raises itself (a `PurchaseError`). */
  domain?: true;
}

/**
 * THE table of error codes: every error response of every worker carries one of these codes with
 * its status here (`@codex/security` answers them, `onError` maps them), the purchases package
 * raises the `domain` ones as `PurchaseError`, and the OpenAPI document and the error tables of
 * the READMEs are generated from it (`pnpm --filter @codex/checkout-worker openapi`; a test fails
 * when they are not current). Add a code here and nowhere else.
 */
export const apiErrors = {
  VALIDATION_ERROR: {
    status: 400,
    when: 'Malformed JSON, a malformed id, a missing field or unknown fields (a client-sent price or organization is refused, not ignored), or a refund request without a valid `Idempotency-Key` header. The message lists the issues as `path: message`; it never repeats what the client sent.',
    message: 'contentId: must be a UUID',
  },
  INVALID_CURSOR: {
    status: 400,
    when: "A `cursor` this list did not issue (tampered, truncated, or another list's). Start again without a cursor.",
    message: 'This page link is not valid; start again from the first page',
    domain: true,
  },
  UNAUTHORIZED: {
    status: 401,
    when: 'Token missing, malformed, expired, not yet valid, wrongly signed, without `exp`, or with a bad `sub` (one message for all). Sent with `WWW-Authenticate: Bearer`.',
    message: 'Missing or invalid credentials',
  },
  FORBIDDEN: {
    status: 403,
    when: "Staff routes (`/api/organizations/{orgId}/...`): the caller's role in this organization (its `organization_members` row) does not allow the action (a `member` asking for an owner or admin action, or for the earnings; an `admin` starting payout onboarding, which is the owner's). No role at all in the organization is a 404, like an unknown id.",
    message: 'Your role in this organization does not allow this',
    domain: true,
  },
  NO_ACCESS: {
    status: 403,
    when: "A playback grant asked for content the customer may not play: the access check's `hasAccess: false` (no purchase, one pending or failed, refunded in full, under an open or lost dispute, or no such content: one answer for all, as the access check gives). Nothing is signed.",
    message: 'You do not have access to this content',
  },
  NOT_FOUND: {
    status: 404,
    when: "No such route; no such checkout session or purchase for this customer (another customer's is answered the same way, so ids cannot be probed); on staff routes, no role in the organization (as for one that does not exist), or a purchase that is not the organization's.",
    message: 'Checkout session not found',
    domain: true,
  },
  CONTENT_NOT_FOUND: {
    status: 404,
    when: 'The content is missing, a draft or archived.',
    message: 'Content not found',
    domain: true,
  },
  ALREADY_PURCHASED: {
    status: 409,
    when: 'The customer owns it (including under an open dispute), or a payment for it is already under way at Stripe. After a full refund or a lost dispute the customer may buy again.',
    message: 'This content has already been purchased',
    domain: true,
  },
  PURCHASE_NOT_COMPLETED: {
    status: 409,
    when: 'A refund of a purchase that is pending or failed: there is no payment to give back.',
    message: 'Only a completed purchase can be refunded',
    domain: true,
  },
  PURCHASE_DISPUTED: {
    status: 409,
    when: "A refund of a purchase whose charge is charged back (a chargeback open) or lost its chargeback: the card network holds the money. A won chargeback's purchase can be refunded, and so can one under an inquiry (no money withdrawn; refunding settles it).",
    message:
      "The purchase's charge is charged back, or lost its chargeback: the bank holds its money, it cannot be refunded",
    domain: true,
  },
  REFUND_EXCEEDS_REMAINING: {
    status: 409,
    when: 'A refund of more than what is left to refund (the charged amount less refunds pending or succeeded), or of a purchase with nothing left; also when Stripe says so (a Dashboard refund got there first), in which case the same key answers the same refusal again.',
    message: 'At most 400 (minor units) is left to refund on this purchase',
    domain: true,
  },
  REVIEW_ITEM_RESOLVED: {
    status: 409,
    when: 'A review action on a flag that is already resolved (by another action, or settled by the money model). Read the queue again: the flag re-opens by itself if the problem is seen again.',
    message: 'This flagged purchase is already resolved',
    domain: true,
  },
  REVIEW_ACTION_IN_PROGRESS: {
    status: 409,
    when: 'Another action on this flag is under way (its refund not yet confirmed by Stripe). Send that same action again (any key) to finish it; another action waits until it is done or refused.',
    message: 'Another action on this flagged purchase is under way',
    domain: true,
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    when: 'The request body is over 8 KiB.',
    message: 'Request body must not exceed 8192 bytes',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    when: 'The body is not `application/json` (a `charset` other than `utf-8` counts as not).',
    message: 'Content-Type must be application/json',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    when: 'The `Idempotency-Key` was already used in this organization for a refund request or a review action with other fields (another purchase, amount, reason, note, `revokeAccess`, flag or action). Use a new key for a new request.',
    message:
      'This Idempotency-Key was already used for a different refund request in this organization',
    domain: true,
  },
  REVIEW_ACTION_NOT_ALLOWED: {
    status: 422,
    when: "An action the flag's kind does not allow (see `allowedActions` in the queue), a `targetPurchaseId` that is not one of the buyer's paid purchases of the item, a `dismiss` without a note, or a grant for a payment no longer held for review.",
    message: 'This action does not apply to this flagged purchase',
    domain: true,
  },
  REFUND_REFUSED_BY_PROVIDER: {
    status: 422,
    when: 'Stripe refused the refund for good (an invalid-request answer other than the two above, e.g. a payment method that no longer takes refunds). Recorded: the same `Idempotency-Key` answers it again; a new request needs a new key.',
    message:
      'The payment provider refused this refund for good; sending it again will not change that',
    domain: true,
  },
  PROMOTION_CODE_INVALID: {
    status: 422,
    when: "A checkout with a `promotionCode` that cannot discount this item: unknown or inactive at Stripe, another organization's (a code belongs to the organization in its `metadata.organizationId`), or promotion codes are off in this deployment. One answer for all; nothing is written.",
    message: 'This promotion code cannot be used for this item',
    domain: true,
  },
  PRICE_NOT_CHARGEABLE: {
    status: 422,
    when: 'A checkout of content whose price Stripe would refuse to charge: below its minimum for the currency (50 cents in USD, 30 pence in GBP, ¥50, …; `MINIMUM_CHARGE_CENTS` in the purchase rules) or, in a three-decimal currency, not a multiple of 10. Nothing is written; the organization must change the price.',
    message: 'This content cannot be bought at its current price; the seller has to change it',
    domain: true,
  },
  RATE_LIMITED: {
    status: 429,
    when: 'More than 10 checkouts a minute for one customer; `Retry-After` says when to retry.',
    message: 'Too many requests',
  },
  INTERNAL_ERROR: {
    status: 500,
    when: 'Anything unexpected, including a missing or malformed binding; never echoes internals (the cause is logged, redacted).',
    message: 'Internal server error',
  },
  PAYMENT_PROVIDER_ERROR: {
    status: 502,
    when: 'Stripe failed or timed out: a checkout being created for it is marked failed; a refund request waits, to be retried with the same `Idempotency-Key`; payout onboarding can simply be asked again (the account is created once).',
    message: 'The payment provider is unavailable',
    domain: true,
  },
  PAYMENT_PROVIDER_NOT_CONFIGURED: {
    status: 503,
    when: 'Paid content, or payout onboarding, while no `STRIPE_SECRET_KEY` is set (local runs); nothing is written. The message says only that payments are not available.',
    message: 'Payments are not available right now',
    domain: true,
  },
  PLAYBACK_GRANTS_NOT_CONFIGURED: {
    status: 503,
    when: 'A playback grant asked while the worker has no `PLAYBACK_GRANT_SIGNING_KEY`; nothing is read. The access check still answers.',
    message: 'Playback grants are not available right now',
  },
} as const satisfies Record<string, ApiErrorDefinition>;

/** The closed set of error codes an API response can carry. */
export type ApiErrorCode = keyof typeof apiErrors;

/** The HTTP statuses the codes are answered with. */
export type ApiErrorStatus = (typeof apiErrors)[ApiErrorCode]['status'];

/** The codes the purchases package raises itself (`domain: true`). */
export type DomainErrorCode = {
  [C in ApiErrorCode]: (typeof apiErrors)[C] extends { domain: true } ? C : never;
}[ApiErrorCode];

/** Every code of {@link apiErrors}, in the table's order (by status). */
export const apiErrorCodes = Object.keys(apiErrors) as ApiErrorCode[];

/** The `domain` codes, in the table's order. */
export const domainErrorCodes = apiErrorCodes.filter(
  (code): code is DomainErrorCode => 'domain' in apiErrors[code],
);

/** The status of each code, as a plain table (`{ VALIDATION_ERROR: 400, … }`). */
export const apiErrorStatus = Object.fromEntries(
  apiErrorCodes.map((code) => [code, apiErrors[code].status]),
) as { readonly [C in ApiErrorCode]: (typeof apiErrors)[C]['status'] };

/**
 * The error table of a README, in Markdown: `| status | code | when |`, one row per code of
 * `codes` (default all) in the table's order. (No text holds a pipe or a line break: a test says so.)
 */
export function renderApiErrorTable(codes: readonly ApiErrorCode[] = apiErrorCodes): string {
  const rows = apiErrorCodes
    .filter((code) => codes.includes(code))
    .map((code) => {
      const { status, when } = apiErrors[code];
      return `| ${status} | \`${code}\` | ${when} |`;
    });
  return ['| status | code | when |', '|---|---|---|', ...rows].join('\n');
}
