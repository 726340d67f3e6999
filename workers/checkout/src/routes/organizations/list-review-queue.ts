import { fulfillmentAnomalyKinds, reviewActionKinds, reviewActionStatuses } from '@codex/database';
import { listQuerySchema } from '@codex/validation';
import { createRoute, z } from '@hono/zod-openapi';
import { buyerTokenSecurity, createApiRoutes } from '../../openapi/create-api-routes';
import { apiErrorResponses } from '../../openapi/error-responses';
import { jsonAnswer } from '../../openapi/json-answer';
import {
  contentIdField,
  contentTitleField,
  currencyField,
  isoInstant,
  minorUnits,
  pageOf,
  purchaseIdField,
} from '../../openapi/response-fields';
import { privateNoStoreHeaders } from '../../openapi/response-headers';
import { organizationParamsSchema } from './sales-read-schemas';

/** Query string of `GET /api/organizations/{orgId}/review-queue`. */
export const reviewQueueQuerySchema = z.strictObject({
  state: z.enum(['open', 'resolved'], { error: 'must be open or resolved' }).default('open'),
  cursor: listQuerySchema.shape.cursor,
  limit: listQuerySchema.shape.limit,
});

const reviewPurchaseSchema = z
  .object({
    purchaseId: purchaseIdField,
    status: z.enum(['pending', 'completed', 'failed']),
    chargedCents: minorUnits('What the buyer was charged (the price before completion).', 1500),
    refundedCents: minorUnits('Refunded so far.', 0),
    currency: currencyField,
    holdsSlot: z.boolean().openapi({
      description: 'True for the purchase that holds the buyer’s one purchase of the item.',
    }),
    disputeStatus: z.enum(['open', 'won', 'lost']).nullable(),
    stripeCheckoutSessionId: z.string().nullable(),
    stripePaymentIntentId: z.string().nullable(),
    createdAt: isoInstant('When the checkout started.'),
  })
  .openapi('ReviewPurchase');

const reviewActionRecordSchema = z
  .object({
    action: z.enum(reviewActionKinds),
    status: z.enum(reviewActionStatuses),
    targetPurchaseId: purchaseIdField.nullable(),
    actorId: z.string().openapi({ description: "Who acted: the staff member's token `sub`." }),
    note: z.string().nullable(),
    stripeRefundId: z.string().nullable(),
    refusalCode: z.string().nullable(),
    createdAt: isoInstant('When the action was asked for.'),
  })
  .openapi('ReviewActionRecord');

const reviewItemSchema = z
  .object({
    anomalyId: z.uuid().openapi({ description: 'The flag: pass it to the actions endpoint.' }),
    kind: z.enum(fulfillmentAnomalyKinds).openapi({
      description:
        'What went wrong: `duplicate_payment` (a refund failed after the buyer bought again: two payments for one item), `amount_mismatch` / `currency_mismatch` (Stripe charged other than what was sold: held pending), `paid_after_failure` (money on a purchase already failed), `linkage_mismatch` (the session disagrees with the purchase), `foreign_discount` (refunded automatically; listed only if that refund was refused).',
    }),
    details: z.record(z.string(), z.unknown()).openapi({
      description: 'What was expected and what Stripe showed. Never card or personal data.',
    }),
    stripeObjectId: z
      .string()
      .openapi({ description: 'The Stripe object the problem was seen on.' }),
    flaggedAt: isoInstant('When the problem was first seen.'),
    resolvedAt: isoInstant('When the flag was closed; null while open.').nullable(),
    resolution: z.string().nullable().openapi({
      description: 'How it was closed: an action, or `settled` (the money model settled it).',
    }),
    resolvedBy: z.string().nullable(),
    resolutionNote: z.string().nullable(),
    customerId: z.string(),
    contentId: contentIdField,
    contentTitle: contentTitleField,
    purchase: reviewPurchaseSchema,
    otherPurchases: z.array(reviewPurchaseSchema),
    stripeRefunds: z.array(
      z.object({ id: z.string(), status: z.string(), amountCents: z.number().int() }),
    ),
    stripeDisputes: z.array(
      z.object({ id: z.string(), stripeStatus: z.string(), amountCents: z.number().int() }),
    ),
    allowedActions: z.array(z.enum(reviewActionKinds)),
    suggestedRemedy: z
      .object({
        action: z.enum(reviewActionKinds),
        targetPurchaseId: purchaseIdField.nullable(),
        why: z.string(),
      })
      .nullable()
      .openapi({ description: 'What the queue proposes for an open flag; null once resolved.' }),
    actions: z.array(reviewActionRecordSchema),
  })
  .openapi('ReviewItem');

const listReviewQueueRoute = createRoute({
  method: 'get',
  path: '/{orgId}/review-queue',
  operationId: 'listReviewQueue',
  tags: ['organizations'],
  summary: "The organization's flagged purchases, with a suggested remedy each",
  description:
    "Payments the money model does not settle alone (a double payment, a payment that does not match what was sold, money on a failed purchase), newest first, a page at a time: `state=open` (default) those waiting for a person, `state=resolved` those closed, with how, by whom and why. Each names the Stripe objects involved, the buyer's purchases of the item, the actions its kind allows and the one the queue suggests. Resolve one with `POST …/review-queue/{anomalyId}/actions`. Staff only: `owner`, `admin` (rows of `organization_members`) or a platform `operator`, read by the request's own statement (a `member` gets 403; no role, 404). One database round trip.",
  security: buyerTokenSecurity,
  request: { params: organizationParamsSchema, query: reviewQueueQuerySchema },
  responses: {
    200: jsonAnswer(
      'One page of flagged purchases.',
      pageOf(reviewItemSchema, 'ReviewItemPage'),
      privateNoStoreHeaders,
    ),
    ...apiErrorResponses(
      ['VALIDATION_ERROR', 'FORBIDDEN', 'NOT_FOUND', 'INVALID_CURSOR', 'RATE_LIMITED'],
      { NOT_FOUND: 'Organization not found', VALIDATION_ERROR: 'state: must be open or resolved' },
    ),
  },
});

/**
 * `GET /api/organizations/:orgId/review-queue`: the organization's flagged purchases; its one
 * statement reads the caller's role and decides who may.
 */
export const listReviewQueue = createApiRoutes().openapi(listReviewQueueRoute, async (c) => {
  const { orgId } = c.req.valid('param');
  const { state, cursor, limit } = c.req.valid('query');
  const caller = { organizationId: orgId, userId: c.var.customerId };
  const page = await c.var.review().listQueue(caller, state, { cursor, limit });
  c.header('Cache-Control', 'private, no-store');
  return c.json({ data: page.items, nextCursor: page.nextCursor }, 200);
});
