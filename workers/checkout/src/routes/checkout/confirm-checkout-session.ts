import { purchaseStatuses } from '@codex/database';
import { ApiError } from '@codex/security';
import { stripeCheckoutSessionIdSchema } from '@codex/validation';
import { createRoute, z } from '@hono/zod-openapi';
import { buyerTokenSecurity, createApiRoutes } from '../../openapi/create-api-routes';
import { apiErrorResponses } from '../../openapi/error-responses';
import { jsonAnswer } from '../../openapi/json-answer';
import { contentIdField, purchaseIdField } from '../../openapi/response-fields';
import { noStoreHeaders } from '../../openapi/response-headers';
import { queueConfirmationEmail } from './queue-confirmation-email';

/** Path parameters of `GET /api/checkout/sessions/:sessionId`. */
export const checkoutSessionParamsSchema = z.object({ sessionId: stripeCheckoutSessionIdSchema });

/** Where the purchase behind a checkout session is. */
const checkoutConfirmationSchema = z
  .object({
    status: z.enum(purchaseStatuses).openapi({
      description:
        '`completed`: paid and fulfilled, access granted. `pending`: not paid yet (a bank debit may settle later). `failed`: the payment failed or the session expired.',
    }),
    purchaseId: purchaseIdField,
    contentId: contentIdField,
  })
  .openapi('CheckoutConfirmation');

const confirmCheckoutSessionRoute = createRoute({
  method: 'get',
  path: '/sessions/{sessionId}',
  operationId: 'confirmCheckoutSession',
  tags: ['checkout'],
  summary: "The success page's confirmation of a checkout session",
  description:
    'Asks Stripe (at most once per 2 s per purchase; polls in between answer from the database) and runs the same fulfillment as the webhook, so access is granted as the buyer lands.',
  security: buyerTokenSecurity,
  request: { params: checkoutSessionParamsSchema },
  responses: {
    200: jsonAnswer(
      'Where the purchase behind the session is.',
      z.object({ data: checkoutConfirmationSchema }),
      noStoreHeaders,
    ),
    ...apiErrorResponses(
      [
        'VALIDATION_ERROR',
        'NOT_FOUND',
        'PAYMENT_PROVIDER_ERROR',
        'PAYMENT_PROVIDER_NOT_CONFIGURED',
      ],
      { VALIDATION_ERROR: 'sessionId: must be a Stripe id starting with cs_' },
    ),
  },
});

/**
 * `GET /api/checkout/sessions/:sessionId`: the success page's confirmation. Runs fulfillment as the
 * webhook does; a purchase it completes has its confirmation e-mail queued after the response.
 */
export const confirmCheckoutSession = createApiRoutes().openapi(
  confirmCheckoutSessionRoute,
  async (c) => {
    const { sessionId } = c.req.valid('param');
    const answer = await c.var.fulfillment().confirmCheckoutSession(c.var.customerId, sessionId);
    // Another customer's session, or none: the same 404, so ids cannot be probed.
    if (!answer) throw new ApiError('NOT_FOUND', 'Checkout session not found');
    // The page stops polling once completed; an id already queued or sent is skipped.
    if (answer.status === 'completed') queueConfirmationEmail(c, answer.purchaseId);
    c.header('Cache-Control', 'no-store');
    return c.json({ data: answer }, 200);
  },
);
