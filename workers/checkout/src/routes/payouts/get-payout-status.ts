import type { PayoutStatus } from '@codex/purchases';
import { createRoute, z } from '@hono/zod-openapi';
import { buyerTokenSecurity, createApiRoutes } from '../../openapi/create-api-routes';
import { apiErrorResponses } from '../../openapi/error-responses';
import { jsonAnswer } from '../../openapi/json-answer';
import { isoInstant } from '../../openapi/response-fields';
import { privateNoStoreHeaders } from '../../openapi/response-headers';
import { organizationParamsSchema, staffCaller } from '../organizations/sales-read-schemas';
import {
  EARNINGS_READ_NOTE,
  PAYOUT_ROUTE_ERRORS,
  payoutRouteErrorMessages,
} from './payout-read-schemas';

/** What the organization's payouts need and can do, as last read from Stripe. */
const payoutStatusSchema = z
  .object({
    stripeAccountId: z.string().nullable().openapi({
      description:
        'The organization’s Stripe connected account (`acct_…`); null until onboarding started (`POST …/payouts/onboarding`).',
      example: 'acct_1PxYz0A1b2C3d4E5',
    }),
    transfersActive: z.boolean().openapi({
      description:
        'True when the account can receive transfers: sales are then paid out (each sale’s share is transferred once it is owed). False: sales wait as `awaiting_account`.',
    }),
    payoutsEnabled: z.boolean().openapi({
      description: 'True when Stripe pays the account’s balance out to its bank account.',
    }),
    detailsSubmitted: z.boolean().openapi({
      description: 'True once the owner has completed Stripe’s onboarding form.',
    }),
    requirementsDue: z.array(z.string()).openapi({
      description:
        'What Stripe still needs, currently or past due (Stripe’s requirement names, e.g. `individual.verification.document`). Empty when nothing is due.',
      example: [],
    }),
    disabledReason: z.string().nullable().openapi({
      description: 'Why Stripe disabled the account (its `requirements.disabled_reason`), or null.',
      example: null,
    }),
    syncedAt: isoInstant(
      'When the account was last read from Stripe (its webhooks and the cron keep it current); null before onboarding.',
    ).nullable(),
    platformFee: z
      .object({
        basisPoints: z.number().int().openapi({
          description:
            'Basis points of what is charged without tax (1000 = 10 %), rounded half up.',
          example: 1000,
        }),
        fixedCents: z.number().int().openapi({
          description: 'A fixed part per sale, in the currency’s smallest unit.',
          example: 0,
        }),
        source: z.enum(['organization', 'platform']).openapi({
          description:
            '`organization`: terms agreed with this organization; `platform`: the deployment’s default (`PLATFORM_FEE_BASIS_POINTS`, `PLATFORM_FEE_FIXED_CENTS`).',
          example: 'platform',
        }),
      })
      .openapi({
        description:
          'The platform fee new sales are sold under. Each sale keeps the terms recorded at its checkout: a change applies to later sales only.',
      }),
  })
  .openapi('PayoutStatus');

/** The payout status as JSON: the instant as ISO 8601. */
function toPayoutStatusJson(status: PayoutStatus) {
  return { ...status, syncedAt: status.syncedAt?.toISOString() ?? null };
}

const getPayoutStatusRoute = createRoute({
  method: 'get',
  path: '/{orgId}/payouts',
  operationId: 'getPayoutStatus',
  tags: ['payouts'],
  summary: "The organization's payout status",
  description: `Whether the organization can be paid: its Stripe connected account (once onboarding started), whether it can receive transfers and pay out, what Stripe still needs, and the platform fee new sales are sold under. As last read from Stripe (its webhooks and the reconciliation cron keep it current); no Stripe call. ${EARNINGS_READ_NOTE} One database round trip.`,
  security: buyerTokenSecurity,
  request: { params: organizationParamsSchema },
  responses: {
    200: jsonAnswer(
      'The payout status.',
      z.object({ data: payoutStatusSchema }),
      privateNoStoreHeaders,
    ),
    ...apiErrorResponses(PAYOUT_ROUTE_ERRORS, payoutRouteErrorMessages),
  },
});

/** `GET /api/organizations/:orgId/payouts`: the payout status (owner, admin, operator). */
export const getPayoutStatus = createApiRoutes().openapi(getPayoutStatusRoute, async (c) => {
  const { orgId } = c.req.valid('param');
  const status = await c.var.payouts().readStatus(staffCaller(c, orgId));
  c.header('Cache-Control', 'private, no-store');
  return c.json({ data: toPayoutStatusJson(status) }, 200);
});
