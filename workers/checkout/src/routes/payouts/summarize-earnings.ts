import { createRoute, z } from '@hono/zod-openapi';
import { buyerTokenSecurity, createApiRoutes } from '../../openapi/create-api-routes';
import { apiErrorResponses } from '../../openapi/error-responses';
import { jsonAnswer } from '../../openapi/json-answer';
import { currencyField, minorUnits } from '../../openapi/response-fields';
import { privateNoStoreHeaders } from '../../openapi/response-headers';
import { organizationParamsSchema, staffCaller } from '../organizations/sales-read-schemas';
import {
  EARNINGS_READ_NOTE,
  MONEY_RULES,
  PAYOUT_ROUTE_ERRORS,
  payoutRouteErrorMessages,
} from './payout-read-schemas';

/** One currency's earnings: Σ of the ledger's lines in it. */
const earningsTotalsSchema = z
  .object({
    currency: currencyField,
    sales: z.number().int().openapi({
      description: 'Paid sales payouts apply to (the ledger’s lines in this currency).',
      example: 12,
    }),
    chargedCents: minorUnits('Σ what the buyers paid, tax included.', 19800),
    taxCents: minorUnits('Σ tax: the buyers’, remitted, never revenue.', 1800),
    refundedCents: minorUnits('Σ refunds that succeeded.', 1650),
    stripeFeeCents: minorUnits(
      'Σ Stripe’s processing fees read so far (`feesKnown` of `sales`): borne by the platform, never deducted from the share.',
      890,
    ),
    feesKnown: z.number().int().openapi({
      description: 'Sales whose Stripe fee has been read (the others are not in `stripeFeeCents`).',
      example: 12,
    }),
    platformFeeCents: minorUnits('Σ the platform’s fee on the whole sales.', 1800),
    shareCents: minorUnits(
      'Σ the organization’s share of the whole sales: charged − tax − platform fee.',
      16200,
    ),
    dueCents: minorUnits(
      'Σ what the sales owe the organization now: the share less what refunds and lost chargebacks took back.',
      14850,
    ),
    transferredCents: minorUnits('Σ sent to the organization’s Stripe account.', 13500),
    reversedCents: minorUnits('Σ taken back from those transfers.', 0),
    owedCents: minorUnits(
      'Still to be paid: Σ (due − (transferred − reversed)) over the sales owed more than has moved.',
      1350,
    ),
    toReverseCents: minorUnits(
      'To take back: Σ ((transferred − reversed) − due) over the sales that moved more than they owe.',
      0,
    ),
  })
  .openapi('EarningsTotals');

const earningsSummarySchema = z
  .object({
    data: z.object({
      currencies: z.array(earningsTotalsSchema).openapi({
        description: 'One entry per currency with sales payouts apply to, by currency code.',
      }),
    }),
  })
  .openapi('EarningsSummary');

const summarizeEarningsRoute = createRoute({
  method: 'get',
  path: '/{orgId}/earnings/summary',
  operationId: 'summarizeEarnings',
  tags: ['payouts'],
  summary: "The organization's earnings totals, per currency",
  description: `The earnings ledger (\`GET …/earnings\`) summed per currency, over every sale payouts apply to, by the same rules in one statement: the sums of the ledger's lines are these totals. \`owedCents\` is what is still to be paid to the organization, \`toReverseCents\` what is still to be taken back. ${MONEY_RULES} ${EARNINGS_READ_NOTE} One database round trip.`,
  security: buyerTokenSecurity,
  request: { params: organizationParamsSchema },
  responses: {
    200: jsonAnswer('The totals.', earningsSummarySchema, privateNoStoreHeaders),
    ...apiErrorResponses(PAYOUT_ROUTE_ERRORS, payoutRouteErrorMessages),
  },
});

/** `GET /api/organizations/:orgId/earnings/summary`: the earnings per currency (owner, admin, operator). */
export const summarizeEarnings = createApiRoutes().openapi(summarizeEarningsRoute, async (c) => {
  const { orgId } = c.req.valid('param');
  const currencies = await c.var.payouts().summarizeEarnings(staffCaller(c, orgId));
  c.header('Cache-Control', 'private, no-store');
  return c.json({ data: { currencies } }, 200);
});
