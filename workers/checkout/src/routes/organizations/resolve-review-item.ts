import { reviewActionKinds } from '@codex/database';
import { parseWith, readJsonBody } from '@codex/security';
import { organizationIdSchema, purchaseIdSchema, uuidSchema } from '@codex/validation';
import { createRoute, z } from '@hono/zod-openapi';
import { buyerTokenSecurity, createApiRoutes } from '../../openapi/create-api-routes';
import { apiErrorResponses } from '../../openapi/error-responses';
import { jsonAnswer } from '../../openapi/json-answer';
import { minorUnits, purchaseIdField } from '../../openapi/response-fields';
import { noStoreHeaders } from '../../openapi/response-headers';
import { idempotencyKeySchema, MAX_REFUND_NOTE_LENGTH } from './issue-refund';

/**
 * Body of `POST /api/organizations/:orgId/review-queue/:anomalyId/actions`: the `action` (one the
 * flag's kind allows), `targetPurchaseId` (`refund_payment`: which of the buyer's payments for the
 * item to refund) and a `note` (why; required to dismiss). Unknown fields are refused.
 */
export const reviewActionSchema = z.strictObject({
  action: z.enum(reviewActionKinds, { error: `must be one of ${reviewActionKinds.join(', ')}` }),
  targetPurchaseId: purchaseIdSchema.optional(),
  note: z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(MAX_REFUND_NOTE_LENGTH, { error: `must be at most ${MAX_REFUND_NOTE_LENGTH} characters` })
    .optional(),
});

const REVIEW_ACTION_REQUEST = 'ReviewActionRequest';

const reviewActionDoneSchema = z
  .object({
    actionId: z.uuid(),
    anomalyId: z.uuid(),
    action: z.enum(reviewActionKinds),
    status: z.literal('done'),
    targetPurchaseId: purchaseIdField.nullable(),
    refundId: z.string().nullable().openapi({
      description:
        "Stripe's refund, for `refund_payment` and `refund_and_close`. Access follows its webhooks.",
    }),
    refundedCents: minorUnits('What the refund gives back (all that was left).', 1500).nullable(),
    replayed: z.boolean().openapi({
      description: 'True when this repeats the answer to an earlier request with the same key.',
    }),
  })
  .openapi('ReviewActionDone');

const resolveReviewItemRoute = createRoute({
  method: 'post',
  path: '/{orgId}/review-queue/{anomalyId}/actions',
  operationId: 'resolveReviewItem',
  tags: ['organizations'],
  summary: 'Resolve a flagged purchase',
  description: [
    'Resolves one flag of the review queue with one action, then re-derives every purchase of that buyer and item, so the slot, access and statuses are right whatever was flagged:',
    "- `refund_payment` (a double payment): refunds in full the payment of `targetPurchaseId`, either of the buyer's two; once Stripe's refund lands, the other payment holds the item;",
    '- `grant_at_charged` (a payment held for review): completes the purchase at what Stripe charged, and sends the confirmation;',
    '- `refund_and_close`: refunds the flagged payment in full; a payment held for review then ends `failed` and the buyer may buy again;',
    '- `dismiss`: closes the flag with a `note`, no money moved.',
    '',
    "Who (the token's `sub`), when and why (`note`) are kept and listed with the flag. `Idempotency-Key` is required: the same key answers the same action (`replayed: true`) without a second refund; each refund's Stripe idempotency key is the action's own, so retries make one refund. One action per flag at a time (409 `REVIEW_ACTION_IN_PROGRESS`; send that same action again to finish it); a closed flag is 409 `REVIEW_ITEM_RESOLVED`. After 502 `PAYMENT_PROVIDER_ERROR`, send the same action again. Staff only: `owner`, `admin` (rows of `organization_members`) or a platform `operator`, read by the request's own statement (a `member` gets 403; no role, 404).",
  ].join('\n'),
  security: buyerTokenSecurity,
  request: {
    params: z.object({ orgId: organizationIdSchema, anomalyId: uuidSchema }),
    headers: z.object({ 'idempotency-key': idempotencyKeySchema }),
    body: {
      required: true,
      content: {
        'application/json': {
          schema: { $ref: `#/components/schemas/${REVIEW_ACTION_REQUEST}` },
          example: {
            action: 'refund_payment',
            targetPurchaseId: '3c9a1f0e-2b4d-4e6f-8a1b-5c7d9e0f1a2b',
            note: 'paid twice',
          },
        },
      },
    },
  },
  responses: {
    200: jsonAnswer(
      'The action was applied.',
      z.object({ data: reviewActionDoneSchema }),
      noStoreHeaders,
    ),
    ...apiErrorResponses(
      [
        'VALIDATION_ERROR',
        'FORBIDDEN',
        'NOT_FOUND',
        'UNSUPPORTED_MEDIA_TYPE',
        'REVIEW_ITEM_RESOLVED',
        'REVIEW_ACTION_IN_PROGRESS',
        'REVIEW_ACTION_NOT_ALLOWED',
        'IDEMPOTENCY_KEY_REUSED',
        'REFUND_EXCEEDS_REMAINING',
        'PURCHASE_DISPUTED',
        'REFUND_REFUSED_BY_PROVIDER',
        'RATE_LIMITED',
        'PAYMENT_PROVIDER_ERROR',
        'PAYMENT_PROVIDER_NOT_CONFIGURED',
      ],
      { NOT_FOUND: 'Flagged purchase not found' },
    ),
  },
});

/**
 * `POST /api/organizations/:orgId/review-queue/:anomalyId/actions`: a staff action on a flagged
 * purchase; the action's first statement reads the caller's role and decides who may.
 */
export const resolveReviewItem = createApiRoutes().openapi(resolveReviewItemRoute, async (c) => {
  const { orgId, anomalyId } = c.req.valid('param');
  const idempotencyKey = c.req.valid('header')['idempotency-key'];
  const body = parseWith(reviewActionSchema, await readJsonBody(c));
  const answer = await c.var.review().resolve({
    organizationId: orgId,
    anomalyId,
    actorId: c.var.customerId,
    idempotencyKey,
    ...body,
  });
  c.header('Cache-Control', 'no-store');
  return c.json({ data: answer }, 200);
});

resolveReviewItem.openAPIRegistry.register(REVIEW_ACTION_REQUEST, reviewActionSchema);
