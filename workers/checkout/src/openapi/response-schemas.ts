import { buyerPurchaseStatuses, purchaseStatuses } from '@codex/database';
import { z } from '@hono/zod-openapi';

// The bodies the public routes answer with. Handlers return them through `c.json(body, status)`,
// which zod-openapi type-checks against these schemas, so a handler cannot answer a status or a
// body that the document does not describe.

const EXAMPLE_PURCHASE_ID = '3f0e9d1c-7a4b-4c2e-9f61-0b8d2a5e7c19';
const EXAMPLE_CONTENT_ID = '6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';
const EXAMPLE_SESSION_ID = 'cs_test_a1B2c3D4e5F6';

/** A purchase row's `hasAccess` (the buyer's history and the sales list alike). */
const hasAccess = z.boolean().openapi({
  description:
    "Whether the buyer may play the item now, by the access check's rule: as `status` says, except that a purchase refunded in full by refunds issued with `revokeAccess: false` is `refunded` and playable.",
});

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
        'True only for a completed purchase whose refunds have not ended access (none in full, or only refunds issued to keep it), with no open or lost dispute.',
    }),
  })
  .openapi('AccessAnswer');

/** `GET /health`. */
export const healthAnswerSchema = z.object({ status: z.literal('ok') }).openapi('HealthAnswer');

const isoInstant = (description: string) =>
  z.iso.datetime().openapi({ description, example: '2026-11-29T15:04:05.123Z' });

/** A purchase as its buyer sees it (`GET /api/purchases`, `GET /api/purchases/{purchaseId}`). */
export const buyerPurchaseSchema = z
  .object({
    purchaseId,
    contentId: z.uuid().openapi({ example: EXAMPLE_CONTENT_ID }),
    contentTitle: z.string().openapi({ example: 'Mastering Sourdough' }),
    amountCents: z.number().int().openapi({
      description:
        'What the buyer was charged (after a promotion code, with exclusive tax), in minor units of `currency`.',
      example: 1500,
    }),
    currency: z.string().openapi({ description: 'ISO 4217, lower case.', example: 'usd' }),
    amountRefundedCents: z.number().int().openapi({
      description: 'Refunded so far (pending and succeeded refunds), in minor units.',
      example: 0,
    }),
    status: z.enum(buyerPurchaseStatuses).openapi({
      description:
        '`pending`: not paid yet. `completed`: paid, playable. `partially_refunded`: part refunded, still playable. `refunded`: refunded in full, not playable (unless every refund was issued from the platform with `revokeAccess: false`). `disputed`: a chargeback is open or was lost, not playable (a won dispute shows the state underneath). `failed`: the payment failed or the checkout expired.',
    }),
    hasAccess,
    createdAt: isoInstant('When the checkout started.'),
    purchasedAt: isoInstant('When the payment completed.').nullable(),
    refundedAt: isoInstant(
      'When refunds reached the amount charged (access ends then, unless kept).',
    ).nullable(),
  })
  .openapi('BuyerPurchase');

const nextCursor = z.string().nullable().openapi({
  description: 'Pass as `cursor` for the next page; null on the last page.',
  example: null,
});

/** `GET /api/purchases`: one page, newest first. */
export const buyerPurchasePageSchema = z
  .object({ data: z.array(buyerPurchaseSchema), nextCursor })
  .openapi('BuyerPurchasePage');

/** `GET /api/library`: one page of what the buyer may play now, most recent purchase first. */
export const libraryPageSchema = z
  .object({
    data: z.array(
      z
        .object({
          contentId: z.uuid().openapi({ example: EXAMPLE_CONTENT_ID }),
          contentTitle: z.string().openapi({ example: 'Mastering Sourdough' }),
          purchaseId,
          purchasedAt: isoInstant('When the payment completed.'),
        })
        .openapi('LibraryItem'),
    ),
    nextCursor,
  })
  .openapi('LibraryPage');

/** `POST /api/purchases/access`: one answer per distinct id asked. */
export const accessManyAnswerSchema = z
  .object({
    access: z.record(z.string(), z.boolean()).openapi({
      description:
        'Every content id asked (lower case, duplicates collapsed) → whether the customer may play it, by the same rule as `GET /api/purchases/access/{contentId}`.',
      example: { [EXAMPLE_CONTENT_ID]: true },
    }),
  })
  .openapi('AccessManyAnswer');

const money = (description: string, example: number) =>
  z.number().int().openapi({ description, example });

/** One of an organization's sales (`GET /api/organizations/{orgId}/sales`). */
export const saleSchema = z
  .object({
    purchaseId,
    contentId: z.uuid().openapi({ example: EXAMPLE_CONTENT_ID }),
    contentTitle: z.string().openapi({ example: 'Mastering Sourdough' }),
    amountCents: money(
      "What the buyer was charged, in minor units: the checkout's recorded total (price − discount + exclusive tax), else the price paid.",
      1500,
    ),
    currency: z.string().openapi({ description: 'ISO 4217, lower case.', example: 'usd' }),
    amountRefundedCents: money('Refunded so far (pending and succeeded refunds).', 0),
    disputeStatus: z
      .enum(['open', 'won', 'lost'])
      .nullable()
      .openapi({ description: "The chargeback's state; null when there is none.", example: null }),
    status: z.enum(buyerPurchaseStatuses).openapi({
      description: 'The buyer status (as `GET /api/purchases` shows it); the `status` filter.',
    }),
    customerId: z.string().openapi({
      description: "The buyer's customer id (the identity provider's subject). Never an e-mail.",
      example: 'auth0|64b7f0c2e1',
    }),
    hasAccess,
    createdAt: isoInstant('When the checkout started (the order and the date filters).'),
    purchasedAt: isoInstant('When the payment completed.').nullable(),
    refundedAt: isoInstant(
      'When refunds reached the amount charged (access ends then, unless kept).',
    ).nullable(),
  })
  .openapi('Sale');

/** `GET /api/organizations/{orgId}/sales`: one page, newest first. */
export const salePageSchema = z
  .object({ data: z.array(saleSchema), nextCursor })
  .openapi('SalePage');

const salesTotalsShape = {
  currency: z.string().openapi({ description: 'ISO 4217, lower case.', example: 'usd' }),
  count: z.number().int().openapi({ description: 'Completed sales.', example: 12 }),
  grossCents: money('Σ amount charged of the completed sales (as `amountCents` of a sale).', 18000),
  refundedCents: money('Σ refunded (pending and succeeded refunds).', 1500),
  disputedCents: money('Σ amount charged of the sales whose dispute is open or lost.', 1500),
  netCents: money(
    'What the organization keeps: Σ (amount − refunded) over the sales not lost in a dispute. = gross − refunded − (amount − refunded of the lost ones); an open dispute is not deducted until lost.',
    15000,
  ),
};

/** `GET /api/organizations/{orgId}/sales/summary`. */
export const salesSummarySchema = z
  .object({
    data: z.object({
      currencies: z
        .array(z.object(salesTotalsShape).openapi('SalesTotals'))
        .openapi({ description: 'One entry per currency with completed sales in the range.' }),
      byDay: z
        .array(
          z
            .object({
              day: z.iso.date().openapi({
                description: 'The UTC day the checkout started.',
                example: '2026-11-29',
              }),
              ...salesTotalsShape,
            })
            .openapi('DailySalesTotals'),
        )
        .openapi({ description: 'One entry per (UTC day, currency), by day then currency.' }),
    }),
  })
  .openapi('SalesSummary');

/** 202 of `POST /api/organizations/{orgId}/purchases/{purchaseId}/refunds`. */
export const refundIssuedSchema = z
  .object({
    refundId: z
      .string()
      .openapi({ description: "Stripe's refund id.", example: 're_3PxYz0A1b2C3d4E5' }),
    purchaseId,
    amountCents: z.number().int().openapi({
      description: 'What the refund gives back, in minor units of `currency`.',
      example: 1500,
    }),
    currency: z.string().openapi({ description: 'ISO 4217, lower case.', example: 'usd' }),
    status: z.string().openapi({
      description:
        "Stripe's refund status when it was created (`pending`, `succeeded`, `requires_action`, ...). It moves on at Stripe; the sale's status follows through the webhooks.",
      example: 'succeeded',
    }),
    revokeAccess: z.boolean().openapi({
      description:
        'As requested: true, a refund that completes a full refund ends access; false, the buyer keeps access.',
    }),
    replayed: z.boolean().openapi({
      description:
        'True when this repeats the answer to an earlier request with the same `Idempotency-Key` (no new refund was made).',
    }),
  })
  .openapi('RefundIssued', {
    description:
      'The refund Stripe accepted. Access changes when its webhooks arrive, exactly as for a refund made in the Stripe Dashboard.',
  });
