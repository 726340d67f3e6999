import type { EarningsLine } from '@codex/purchases';
import { listQuerySchema } from '@codex/validation';
import { createRoute, z } from '@hono/zod-openapi';
import { buyerTokenSecurity, createApiRoutes } from '../../openapi/create-api-routes';
import { apiErrorResponses } from '../../openapi/error-responses';
import { jsonAnswer } from '../../openapi/json-answer';
import {
  contentIdField,
  currencyField,
  isoInstant,
  minorUnits,
  pageOf,
  purchaseIdField,
} from '../../openapi/response-fields';
import { privateNoStoreHeaders } from '../../openapi/response-headers';
import { organizationParamsSchema, staffCaller } from '../organizations/sales-read-schemas';
import {
  EARNINGS_READ_NOTE,
  earningsStatusField,
  MONEY_RULES,
  PAYOUT_ROUTE_ERRORS,
  payoutRouteErrorMessages,
} from './payout-read-schemas';

/** Query string of `GET /api/organizations/{orgId}/earnings`: `cursor` and `limit` (1–100, default 20). */
export const earningsQuerySchema = listQuerySchema;

/** One sale in the earnings ledger: what it was charged, how it splits, and what moved. */
export const earningsLineSchema = z
  .object({
    purchaseId: purchaseIdField,
    contentId: contentIdField,
    createdAt: isoInstant('When the checkout started (the ledger’s order, newest first).'),
    purchasedAt: isoInstant('When the payment completed.').nullable(),
    currency: currencyField,
    chargedCents: minorUnits('What the buyer paid, tax included.', 1650),
    taxCents: minorUnits(
      'The tax in `chargedCents` (0 without Stripe Tax): the buyer’s, remitted, never revenue; no fee is taken from it.',
      150,
    ),
    refundedCents: minorUnits(
      'Refunds that succeeded (pending ones take nothing back until they succeed).',
      0,
    ),
    stripeFeeCents: minorUnits(
      'Stripe’s processing fee on the charge: borne by the platform (it comes out of the platform fee), shown for information, never deducted from the share. Null until read from Stripe.',
      74,
    ).nullable(),
    platformFeeCents: minorUnits(
      'The platform’s fee on the whole sale: basis points of `chargedCents − taxCents` (rounded half up) plus a fixed part, at the terms recorded when the sale was made, never more than that base.',
      150,
    ),
    shareCents: minorUnits(
      'The organization’s share of the whole sale: `chargedCents − taxCents − platformFeeCents`.',
      1350,
    ),
    dueCents: minorUnits(
      'What the sale owes the organization now: the share in proportion to what is left of the charge after the refunds that succeeded; 0 once refunded in full or lost in a chargeback.',
      1350,
    ),
    transferredCents: minorUnits(
      'Sent to the organization’s Stripe account for this sale (one transfer per sale).',
      0,
    ),
    reversedCents: minorUnits('Taken back from that transfer (refunds, a lost chargeback).', 0),
    transferId: z.string().nullable().openapi({
      description: 'Stripe’s transfer of this sale’s share (`tr_…`); null until transferred.',
      example: null,
    }),
    disputeStatus: z.enum(['open', 'won', 'lost']).nullable().openapi({
      description:
        'The chargeback’s state; null when there is none. `open` holds the payout, `lost` takes the whole share back.',
      example: null,
    }),
    status: earningsStatusField,
  })
  .openapi('EarningsLine', {
    description: `One sale in the organization's earnings. ${MONEY_RULES}`,
  });

/** An earnings line as JSON: instants as ISO 8601 strings. */
export function toEarningsLineJson(line: EarningsLine) {
  return {
    ...line,
    createdAt: line.createdAt.toISOString(),
    purchasedAt: line.purchasedAt?.toISOString() ?? null,
  };
}

const listEarningsRoute = createRoute({
  method: 'get',
  path: '/{orgId}/earnings',
  operationId: 'listEarnings',
  tags: ['payouts'],
  summary: "The organization's earnings ledger, newest first",
  description: `Every paid sale of the organization that payouts apply to (completed, with a charged total above 0 and the fee terms recorded at checkout; free purchases and sales from before payouts are not), newest first by when the checkout started, a page at a time: pass \`nextCursor\` back as \`cursor\`. Each line says what the buyer paid, how it splits between tax, the platform and the organization, what the sale owes now and what has moved to the organization's Stripe account. ${MONEY_RULES} ${EARNINGS_READ_NOTE} One database round trip.`,
  security: buyerTokenSecurity,
  request: { params: organizationParamsSchema, query: earningsQuerySchema },
  responses: {
    200: jsonAnswer(
      'One page of earnings lines.',
      pageOf(earningsLineSchema, 'EarningsPage'),
      privateNoStoreHeaders,
    ),
    ...apiErrorResponses([...PAYOUT_ROUTE_ERRORS, 'INVALID_CURSOR'], payoutRouteErrorMessages),
  },
});

/**
 * `GET /api/organizations/:orgId/earnings`: the earnings ledger a page at a time (owner, admin,
 * operator); the page's own statement reads the caller's role.
 */
export const listEarnings = createApiRoutes().openapi(listEarningsRoute, async (c) => {
  const { orgId } = c.req.valid('param');
  const { cursor, limit } = c.req.valid('query');
  const page = await c.var.payouts().listEarnings(staffCaller(c, orgId), { cursor, limit });
  c.header('Cache-Control', 'private, no-store');
  return c.json({ data: page.items.map(toEarningsLineJson), nextCursor: page.nextCursor }, 200);
});
