import type { EarningsStatus } from '@codex/purchases';
import { z } from '@hono/zod-openapi';

// What the payout routes (`…/payouts`, `…/payouts/onboarding`, `…/earnings`, `…/earnings/summary`,
// `…/earnings/export`) share: who may, the errors, and the words for the money.

/**
 * What every payout route can answer besides its own: no role in the organization (or no such
 * organization) is 404 `NOT_FOUND`, a role without the action 403 `FORBIDDEN`, a malformed id or
 * query 400 (before any role is read).
 */
export const PAYOUT_ROUTE_ERRORS = [
  'NOT_FOUND',
  'FORBIDDEN',
  'VALIDATION_ERROR',
  'RATE_LIMITED',
] as const;

/** The example messages of {@link PAYOUT_ROUTE_ERRORS}. */
export const payoutRouteErrorMessages = {
  NOT_FOUND: 'Organization not found',
  FORBIDDEN: 'Your role in this organization does not allow this',
  VALIDATION_ERROR: 'orgId: must be a UUID',
  RATE_LIMITED: 'Too many requests',
} as const;

const STAFF_RULES =
  'The role is read from the database in the same statement as the answer, so a member removed is refused on their next request; the token proves who, never what. No role in `orgId` is 404, as for an organization that does not exist. At most 120 requests a minute per staff member on the organization routes (429 `RATE_LIMITED` with `Retry-After`).';

/** The sentence each earnings read's description ends with: who may call it. */
export const EARNINGS_READ_NOTE = `Staff only: \`owner\` or \`admin\` of \`orgId\` (a row of \`organization_members\`) or a platform \`operator\`; a \`member\` gets 403 (they read sales, not earnings). ${STAFF_RULES}`;

/** The sentence the onboarding's description ends with: who may call it. */
export const MANAGE_PAYOUTS_NOTE = `Staff only: the \`owner\` of \`orgId\` or a platform \`operator\`; an \`admin\` or \`member\` gets 403. ${STAFF_RULES}`;

/** How the money of a sale is split (decision 026), once, for the answers' descriptions. */
export const MONEY_RULES =
  "Amounts are in the currency's smallest unit. What the buyer paid (`chargedCents`) includes tax (`taxCents`), which is the buyer's and never revenue. The platform fee is taken from what was charged without tax, at the terms the sale was sold under (basis points rounded half up, plus a fixed part, never more than that base). The organization's share is charged − tax − platform fee. Stripe's processing fee is borne by the platform (it comes out of the platform fee) and never changes the share. A refund that succeeded takes back the share in proportion to the part of the charge refunded (the platform fee likewise); a pending refund takes nothing back until it succeeds. A lost chargeback takes the whole share back; an open one holds the sale's transfer until it is decided.";

/** Where a sale's payout stands; the values of `EarningsStatus` in `@codex/purchases`. */
export const earningsStatuses = [
  'awaiting_account',
  'transfer_due',
  'held_dispute',
  'transferred',
  'partially_reversed',
  'reversed',
  'reversal_due',
  'reversal_uncovered',
  'underpaid',
  'not_owed',
] as const satisfies readonly EarningsStatus[];

/** The `status` of an earnings line. */
export const earningsStatusField = z.enum(earningsStatuses).openapi({
  description: [
    "Where the sale's payout stands:",
    "`awaiting_account`: owed, waiting for the organization's Stripe account to be able to receive transfers (finish onboarding);",
    '`transfer_due`: owed and transferable, transferred by the next trigger or the reconciliation cron;',
    '`held_dispute`: a chargeback is open, held until it is decided;',
    '`transferred`: transferred, nothing taken back;',
    '`partially_reversed`: transferred, part taken back (refunds);',
    '`reversed`: transferred and all taken back;',
    '`reversal_due`: more has moved than is owed, the difference is reversed by the next trigger or cron run;',
    "`reversal_uncovered`: a reversal the organization's Stripe balance could not cover, in the review queue and retried;",
    '`underpaid`: less has moved than is owed after the transfer (a refund that had succeeded failed later);',
    '`not_owed`: nothing owed and nothing moved (refunded in full or lost before any transfer).',
  ].join(' '),
  example: 'awaiting_account',
});

/** Compiles only while {@link earningsStatuses} lists every `EarningsStatus` (a new one must be described). */
type NoneMissing<Missing extends never> = Missing;
export type EarningsStatusesComplete = NoneMissing<
  Exclude<EarningsStatus, (typeof earningsStatuses)[number]>
>;
