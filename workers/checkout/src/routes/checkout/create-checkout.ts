import { parseWith, rateLimit, readJsonBody } from '@codex/security';
import { contentIdSchema } from '@codex/validation';
import { createRoute, z } from '@hono/zod-openapi';
import { buyerTokenSecurity, createApiRoutes } from '../../openapi/create-api-routes';
import { apiErrorResponses } from '../../openapi/error-responses';
import { jsonAnswer } from '../../openapi/json-answer';
import { EXAMPLE_CONTENT_ID, purchaseIdField } from '../../openapi/response-fields';
import { noStoreHeaders } from '../../openapi/response-headers';
import { fallbackRateLimiter } from '../../rate-limiter';
import { queueConfirmationEmail } from './queue-confirmation-email';

/** Longest promotion code accepted; Stripe's codes are at most 500 characters. */
const MAX_PROMOTION_CODE_LENGTH = 500;

/**
 * Body of `POST /api/checkout`: the content id and, optionally, a promotion code the buyer typed.
 * Price, currency and organization come from the content row, so unknown keys (a client-sent
 * `price`, say) are refused rather than ignored.
 */
export const createCheckoutSchema = z.strictObject({
  contentId: contentIdSchema,
  promotionCode: z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(MAX_PROMOTION_CODE_LENGTH, {
      error: `must be at most ${MAX_PROMOTION_CODE_LENGTH} characters`,
    })
    .optional()
    .openapi({
      description:
        "A promotion code the buyer typed (only where the deployment accepts codes). It must be active at Stripe and belong to the item's organization; it is then the checkout's one discount.",
      example: 'LAUNCH20',
    }),
});

/**
 * The request body's component name. The body is documented by reference, not as a zod schema in
 * the route: zod-openapi would then validate it itself (its own Content-Type gate and JSON parser,
 * answering 415 and 400 with other messages than `readJsonBody`). The component IS
 * `createCheckoutSchema`, the schema the handler validates with (decision 013).
 */
const CREATE_CHECKOUT_REQUEST = 'CreateCheckoutRequest';

const CHECKOUT_RATE_LIMIT = { limit: 10, periodSeconds: 60 } as const;

const EXAMPLE_SESSION_ID = 'cs_test_a1B2c3D4e5F6';

const openSession = {
  purchaseId: purchaseIdField,
  sessionId: z
    .string()
    .openapi({ description: 'The Stripe Checkout Session id.', example: EXAMPLE_SESSION_ID }),
  checkoutUrl: z.url().openapi({
    description: "Stripe's hosted checkout page: send the buyer there.",
    example: `https://checkout.stripe.com/c/pay/${EXAMPLE_SESSION_ID}`,
  }),
};

/** 201: a new pending purchase and a new Stripe Checkout Session. */
const checkoutCreatedSchema = z
  .object({ status: z.literal('checkout_created'), ...openSession })
  .openapi('CheckoutCreated', {
    description: 'A new pending purchase and a new Stripe Checkout Session.',
  });

/** 200: the pending purchase's session is still open; no Stripe call. */
const checkoutReusedSchema = z
  .object({ status: z.literal('checkout_reused'), ...openSession })
  .openapi('CheckoutReused', {
    description:
      "The customer's pending purchase still has an open session: the same session again (a double click never makes a second one, and costs no Stripe call).",
  });

/** 200: free content, completed at once. */
const freeAccessGrantedSchema = z
  .object({ status: z.literal('free_access_granted'), purchaseId: purchaseIdField })
  .openapi('FreeAccessGranted', {
    description: 'The content is free: a completed purchase at 0, no Stripe call.',
  });

const createCheckoutRoute = createRoute({
  method: 'post',
  path: '/',
  operationId: 'createCheckout',
  tags: ['checkout'],
  summary: 'Start or resume the purchase of one content item',
  description:
    "Price, currency and organization come from the content, never from the client. A `promotionCode` must belong to the item's organization. At most 10 checkouts a minute per customer.",
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
          example: { contentId: EXAMPLE_CONTENT_ID },
        },
      },
    },
  },
  responses: {
    201: jsonAnswer(
      'A new pending purchase and a new Stripe Checkout Session: send the buyer to `checkoutUrl`.',
      z.object({ data: checkoutCreatedSchema }),
      noStoreHeaders,
    ),
    200: jsonAnswer(
      "`checkout_reused`: the pending purchase's session is still open (no Stripe call). `free_access_granted`: price 0, completed at once (no Stripe call).",
      z.object({
        data: z.discriminatedUnion('status', [checkoutReusedSchema, freeAccessGrantedSchema]),
      }),
      noStoreHeaders,
    ),
    ...apiErrorResponses([
      'VALIDATION_ERROR',
      'CONTENT_NOT_FOUND',
      'ALREADY_PURCHASED',
      'PROMOTION_CODE_INVALID',
      'PRICE_NOT_CHARGEABLE',
      'UNSUPPORTED_MEDIA_TYPE',
      'RATE_LIMITED',
      'PAYMENT_PROVIDER_ERROR',
      'PAYMENT_PROVIDER_NOT_CONFIGURED',
    ]),
  },
});

/**
 * `POST /api/checkout`: start or resume the purchase of one content item. A free item is completed
 * at once, and its confirmation e-mail queued after the response.
 */
export const createCheckout = createApiRoutes().openapi(createCheckoutRoute, async (c) => {
  const { contentId, promotionCode } = parseWith(createCheckoutSchema, await readJsonBody(c));
  // The token's `email` claim, if any: stored with the purchase for its receipt and given to
  // Stripe (on the buyer's Customer, or as `customer_email`). Never logged.
  const result = await c.var.checkout().createCheckoutSession(c.var.customerId, contentId, {
    customerEmail: c.var.customerEmail,
    promotionCode,
  });
  c.header('Cache-Control', 'no-store');
  if (result.status === 'free_access_granted') {
    queueConfirmationEmail(c, result.purchaseId);
  }
  if (result.status === 'checkout_created') {
    return c.json({ data: result }, 201);
  }
  return c.json({ data: result }, 200);
});

createCheckout.openAPIRegistry.register(CREATE_CHECKOUT_REQUEST, createCheckoutSchema);
