import { purchaseStatuses } from '@codex/database';
import { z } from '@hono/zod-openapi';

// The bodies the public routes answer with. Handlers return them through `c.json(body, status)`,
// which zod-openapi type-checks against these schemas, so a handler cannot answer a status or a
// body that the document does not describe.

const EXAMPLE_PURCHASE_ID = '3f0e9d1c-7a4b-4c2e-9f61-0b8d2a5e7c19';
const EXAMPLE_CONTENT_ID = '6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';
const EXAMPLE_SESSION_ID = 'cs_test_a1B2c3D4e5F6';

const purchaseId = z
  .uuid()
  .openapi({ description: 'The purchase this answer is about.', example: EXAMPLE_PURCHASE_ID });

const openSession = {
  purchaseId,
  sessionId: z
    .string()
    .openapi({ description: 'The Stripe Checkout Session id.', example: EXAMPLE_SESSION_ID }),
  checkoutUrl: z.url().openapi({
    description: "Stripe's hosted checkout page: send the buyer there.",
    example: `https://checkout.stripe.com/c/pay/${EXAMPLE_SESSION_ID}`,
  }),
};

/** 201 of `POST /api/checkout`: a new pending purchase and a new Stripe Checkout Session. */
export const checkoutCreatedSchema = z
  .object({ status: z.literal('checkout_created'), ...openSession })
  .openapi('CheckoutCreated', {
    description: 'A new pending purchase and a new Stripe Checkout Session.',
  });

/** 200 of `POST /api/checkout`: the pending purchase's session is still open; no Stripe call. */
export const checkoutReusedSchema = z
  .object({ status: z.literal('checkout_reused'), ...openSession })
  .openapi('CheckoutReused', {
    description:
      "The customer's pending purchase still has an open session: the same session again (a double click never makes a second one, and costs no Stripe call).",
  });

/** 200 of `POST /api/checkout`: free content, completed at once. */
export const freeAccessGrantedSchema = z
  .object({ status: z.literal('free_access_granted'), purchaseId })
  .openapi('FreeAccessGranted', {
    description: 'The content is free: a completed purchase at 0, no Stripe call.',
  });

/** `GET /api/checkout/sessions/{sessionId}`: where the purchase behind a checkout session is. */
export const checkoutConfirmationSchema = z
  .object({
    status: z.enum(purchaseStatuses).openapi({
      description:
        '`completed`: paid and fulfilled, access granted. `pending`: not paid yet (a bank debit may settle later). `failed`: the payment failed or the session expired.',
    }),
    purchaseId,
    contentId: z.uuid().openapi({ example: EXAMPLE_CONTENT_ID }),
  })
  .openapi('CheckoutConfirmation');

/** `GET /api/purchases/access/{contentId}`. */
export const accessAnswerSchema = z
  .object({
    hasAccess: z.boolean().openapi({
      description:
        'True only for a completed purchase not refunded past the policy, with no open or lost dispute.',
    }),
  })
  .openapi('AccessAnswer');

/** `GET /health`. */
export const healthAnswerSchema = z.object({ status: z.literal('ok') }).openapi('HealthAnswer');
