import { createRoute, z } from '@hono/zod-openapi';
import { buyerTokenSecurity, createApiRoutes } from '../../openapi/create-api-routes';
import { apiErrorResponses } from '../../openapi/error-responses';
import { jsonAnswer } from '../../openapi/json-answer';
import { isoInstant } from '../../openapi/response-fields';
import { privateNoStoreHeaders } from '../../openapi/response-headers';
import { organizationParamsSchema, staffCaller } from '../organizations/sales-read-schemas';
import {
  MANAGE_PAYOUTS_NOTE,
  PAYOUT_ROUTE_ERRORS,
  payoutRouteErrorMessages,
} from './payout-read-schemas';

/** 200: a fresh link to Stripe's hosted onboarding of the organization's account. */
const onboardingLinkSchema = z
  .object({
    url: z.url().openapi({
      description:
        'Stripe’s hosted onboarding for the organization’s account: send the owner there. Single use; Stripe sends them back to the web app’s `/payouts?onboarding=done`, or to `/payouts?onboarding=expired` when the link expired (then ask for a new one).',
      example: 'https://connect.stripe.com/setup/s/acct_1PxYz0A1b2C3d4E5/Yk3pQ2wX9',
    }),
    expiresAt: isoInstant('When the link stops working (minutes from now).'),
    stripeAccountId: z.string().openapi({
      description:
        'The organization’s Stripe connected account (`acct_…`): created by the first request, the same one on every later request.',
      example: 'acct_1PxYz0A1b2C3d4E5',
    }),
  })
  .openapi('PayoutOnboardingLink');

const startPayoutOnboardingRoute = createRoute({
  method: 'post',
  path: '/{orgId}/payouts/onboarding',
  operationId: 'startPayoutOnboarding',
  tags: ['payouts'],
  summary: "A link to Stripe's onboarding of the organization's payout account",
  description: `Starts, or resumes, the organization's onboarding with Stripe Connect, so that its sales can be paid out to it: the first request creates its connected account (once, however often or concurrently it is sent), every request answers a fresh single-use Account Link to Stripe's hosted form. No body. Read the outcome with \`GET …/payouts\`. ${MANAGE_PAYOUTS_NOTE} The first time: 2 database round trips (the role and the account read, the new account stored) and 2 Stripe calls (the account, the link); afterwards 1 round trip and 1 Stripe call.`,
  security: buyerTokenSecurity,
  request: { params: organizationParamsSchema },
  responses: {
    200: jsonAnswer(
      'The onboarding link.',
      z.object({ data: onboardingLinkSchema }),
      privateNoStoreHeaders,
    ),
    ...apiErrorResponses(
      [...PAYOUT_ROUTE_ERRORS, 'PAYMENT_PROVIDER_ERROR', 'PAYMENT_PROVIDER_NOT_CONFIGURED'],
      payoutRouteErrorMessages,
    ),
  },
});

/**
 * `POST /api/organizations/:orgId/payouts/onboarding`: a fresh onboarding link, creating the
 * organization's connected account the first time (owner, operator).
 */
export const startPayoutOnboarding = createApiRoutes().openapi(
  startPayoutOnboardingRoute,
  async (c) => {
    const { orgId } = c.req.valid('param');
    const link = await c.var.payouts().startOnboarding(staffCaller(c, orgId));
    c.header('Cache-Control', 'private, no-store');
    return c.json({ data: { ...link, expiresAt: link.expiresAt.toISOString() } }, 200);
  },
);
