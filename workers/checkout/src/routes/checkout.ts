import { queueOutboxMessagesOf } from '@codex/purchases';
import { ApiError, parseWith, rateLimit, readJsonBody } from '@codex/security';
import { checkoutSessionParamsSchema, createCheckoutSchema } from '@codex/validation';
import { createRoute, z } from '@hono/zod-openapi';
import {
  BUYER_API_ERRORS,
  buyerTokenSecurity,
  createApiRoutes,
} from '../openapi/create-api-routes';
import { errorResponses, requestIdHeader } from '../openapi/error-responses';
import {
  checkoutConfirmationSchema,
  checkoutCreatedSchema,
  checkoutReusedSchema,
  freeAccessGrantedSchema,
} from '../openapi/response-schemas';
import { fallbackRateLimiter } from '../rate-limiter';

const CHECKOUT_RATE_LIMIT = { limit: 10, periodSeconds: 60 } as const;

/**
 * The request body's component name. The body is documented by reference, not as a zod schema in
 * the route: zod-openapi would then validate it itself (its own Content-Type gate and JSON parser,
 * answering 415 and 400 with other messages than `readJsonBody`). The component IS
 * `createCheckoutSchema`, the schema the handler validates with (decision 013).
 */
const CREATE_CHECKOUT_REQUEST = 'CreateCheckoutRequest';

const noStore = z.object({ ...requestIdHeader, 'Cache-Control': z.literal('no-store') });

/** `POST /api/checkout`. */
export const createCheckoutRoute = createRoute({
  method: 'post',
  path: '/',
  operationId: 'createCheckout',
  tags: ['checkout'],
  summary: 'Start or resume the purchase of one content item',
  description:
    'Price, currency and organization come from the content, never from the client. At most 10 checkouts a minute per customer.',
  security: buyerTokenSecurity,
  middleware: [
    rateLimit({
      limiter: (c) => c.env.CHECKOUT_RATE_LIMITER ?? fallbackRateLimiter(CHECKOUT_RATE_LIMIT),
      key: (c) => `checkout:customer:${c.var.customerId}`,
      periodSeconds: CHECKOUT_RATE_LIMIT.periodSeconds,
    }),
  ] as const,
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: { $ref: `#/components/schemas/${CREATE_CHECKOUT_REQUEST}` },
          example: { contentId: '6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9' },
        },
      },
    },
  },
  responses: {
    201: {
      description:
        'A new pending purchase and a new Stripe Checkout Session: send the buyer to `checkoutUrl`.',
      headers: noStore,
      content: { 'application/json': { schema: z.object({ data: checkoutCreatedSchema }) } },
    },
    200: {
      description:
        "`checkout_reused`: the pending purchase's session is still open (no Stripe call). `free_access_granted`: price 0, completed at once (no Stripe call).",
      headers: noStore,
      content: {
        'application/json': {
          schema: z.object({
            data: z.discriminatedUnion('status', [checkoutReusedSchema, freeAccessGrantedSchema]),
          }),
        },
      },
    },
    ...errorResponses([
      ...BUYER_API_ERRORS,
      'VALIDATION_ERROR',
      'CONTENT_NOT_FOUND',
      'ALREADY_PURCHASED',
      'UNSUPPORTED_MEDIA_TYPE',
      'RATE_LIMITED',
      'PAYMENT_PROVIDER_ERROR',
      'PAYMENT_PROVIDER_NOT_CONFIGURED',
    ]),
  },
});

/** `GET /api/checkout/sessions/{sessionId}`. */
export const confirmCheckoutSessionRoute = createRoute({
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
    200: {
      description: 'Where the purchase behind the session is.',
      headers: noStore,
      content: { 'application/json': { schema: z.object({ data: checkoutConfirmationSchema }) } },
    },
    ...errorResponses(
      [
        ...BUYER_API_ERRORS,
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
 * `POST /api/checkout`: start or resume the purchase of one content item.
 * `GET /api/checkout/sessions/:sessionId`: the success page's confirmation (runs fulfillment).
 * Both can complete a purchase (a free item; the success page settling a paid session) and so
 * write its confirmation to the e-mail outbox: after the response, its id goes to `EMAIL_QUEUE`
 * (`waitUntil`); without that binding (local `wrangler dev`), or if sending fails, the webhook
 * worker's cron picks the row up.
 */
export const checkoutRoutes = createApiRoutes()
  .openapi(createCheckoutRoute, async (c) => {
    const { contentId } = parseWith(createCheckoutSchema, await readJsonBody(c));
    // The token's `email` claim, if any: stored with the purchase for its receipt and given to
    // Stripe as `customer_email`. Never logged.
    const result = await c.var
      .checkout()
      .createCheckoutSession(c.var.customerId, contentId, { customerEmail: c.var.customerEmail });
    c.header('Cache-Control', 'no-store');
    if (result.status === 'free_access_granted') {
      c.executionCtx.waitUntil(
        queueOutboxMessagesOf({
          queue: c.env.EMAIL_QUEUE,
          db: c.var.httpDatabase(),
          purchaseId: result.purchaseId,
          logger: c.var.logger,
        }),
      );
    }
    if (result.status === 'checkout_created') {
      return c.json({ data: result }, 201);
    }
    return c.json({ data: result }, 200);
  })
  .openapi(confirmCheckoutSessionRoute, async (c) => {
    const { sessionId } = c.req.valid('param');
    const answer = await c.var.fulfillment().confirmCheckoutSession(c.var.customerId, sessionId);
    // Another customer's session, or none: the same 404, so ids cannot be probed.
    if (!answer) throw new ApiError('NOT_FOUND', 'Checkout session not found');
    if (answer.status === 'completed') {
      // The page stops polling once completed; an id already queued or sent is skipped.
      c.executionCtx.waitUntil(
        queueOutboxMessagesOf({
          queue: c.env.EMAIL_QUEUE,
          db: c.var.httpDatabase(),
          purchaseId: answer.purchaseId,
          logger: c.var.logger,
        }),
      );
    }
    c.header('Cache-Control', 'no-store');
    return c.json({ data: answer }, 200);
  });

// A clone: the same definition, so the same checks. Registering calls the schema's `.openapi()`,
// which zod instances get at construction only once `@hono/zod-openapi` has been loaded, and the
// worker loads `@codex/validation` first.
checkoutRoutes.openAPIRegistry.register(CREATE_CHECKOUT_REQUEST, createCheckoutSchema.clone());
