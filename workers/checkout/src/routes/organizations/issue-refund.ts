import { refundReasons } from '@codex/database';
import { parseWith, readJsonBody } from '@codex/security';
import { MAX_PRICE_CENTS, organizationIdSchema, purchaseIdSchema } from '@codex/validation';
import { createRoute, z } from '@hono/zod-openapi';
import { buyerTokenSecurity, createApiRoutes } from '../../openapi/create-api-routes';
import { apiErrorResponses } from '../../openapi/error-responses';
import { jsonAnswer } from '../../openapi/json-answer';
import { currencyField, minorUnits, purchaseIdField } from '../../openapi/response-fields';
import { noStoreHeaders } from '../../openapi/response-headers';

/** Longest note staff may keep with a refund. */
export const MAX_REFUND_NOTE_LENGTH = 500;

/**
 * Body of `POST /api/organizations/:orgId/purchases/:purchaseId/refunds`: `amountCents` in the
 * purchase currency's smallest unit (omitted: all that is left to refund), a `reason` (one of the
 * reasons the database keeps: Stripe's three, or `other`, which is not sent to Stripe), an optional
 * `note` kept with the payment event (never sent to Stripe), and `revokeAccess` (default true; the
 * most recent platform refund decides whether a full refund ends access, decision 021). Unknown
 * fields are refused.
 */
export const createRefundSchema = z.strictObject({
  amountCents: z
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number of cents' })
    .min(1, { error: 'must be at least 1' })
    .max(MAX_PRICE_CENTS, { error: `must be at most ${MAX_PRICE_CENTS}` })
    .optional(),
  reason: z.enum(refundReasons, { error: `must be one of ${refundReasons.join(', ')}` }),
  note: z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(MAX_REFUND_NOTE_LENGTH, { error: `must be at most ${MAX_REFUND_NOTE_LENGTH} characters` })
    .optional(),
  revokeAccess: z.boolean({ error: 'must be true or false' }).default(true),
});

/**
 * The `Idempotency-Key` header of a refund request: 1 to 255 visible ASCII characters (a UUID per
 * submission is the usual choice). The same key in the same organization is the same request.
 */
export const idempotencyKeySchema = z
  .string({ error: 'is required' })
  .regex(/^[\x21-\x7e]{1,255}$/, { error: 'must be 1 to 255 visible ASCII characters' });

/** Path parameters of `POST /api/organizations/:orgId/purchases/:purchaseId/refunds`. */
export const organizationPurchaseParamsSchema = z.object({
  orgId: organizationIdSchema,
  purchaseId: purchaseIdSchema,
});

/** The body's component name: `createRefundSchema`, by reference (see `create-checkout.ts`). */
const CREATE_REFUND_REQUEST = 'CreateRefundRequest';

/** 202: the refund Stripe accepted. */
const refundIssuedSchema = z
  .object({
    refundId: z
      .string()
      .openapi({ description: "Stripe's refund id.", example: 're_3PxYz0A1b2C3d4E5' }),
    purchaseId: purchaseIdField,
    amountCents: minorUnits('What the refund gives back, in minor units of `currency`.', 1500),
    currency: currencyField,
    status: z.string().openapi({
      description:
        "Stripe's refund status when it was created (`pending`, `succeeded`, `requires_action`, ...). It moves on at Stripe; the sale's status follows through the webhooks.",
      example: 'succeeded',
    }),
    revokeAccess: z.boolean().openapi({
      description:
        'As requested, and what will happen (decision 021): of the refunds that count, the most recently requested platform refund decides. true: access ends once the purchase is refunded in full, by this refund or later ones (Dashboard refunds included); false: the buyer keeps access however much is refunded, Dashboard refunds included. Only a later refund from the platform decides otherwise; if this refund fails, the platform refund before it decides again (none: a full refund ends access).',
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

const issueRefundRoute = createRoute({
  method: 'post',
  path: '/{orgId}/purchases/{purchaseId}/refunds',
  operationId: 'issueRefund',
  tags: ['organizations'],
  summary: 'Refund a purchase of the organization',
  description: [
    "Asks Stripe to refund the purchase (all that is left, or `amountCents`) and answers 202 with Stripe's refund. Access then follows the refund's webhooks, whatever order they arrive in, by one rule: once the refunds that count reach a full refund, the most recently requested platform refund among them decides. `revokeAccess: true` (the default) ends access then; `revokeAccess: false` keeps it, however much is refunded, in the Dashboard too. A later platform refund decides in its place; Dashboard refunds never decide, and end access only when no platform refund counts.",
    '',
    "`Idempotency-Key` is required: the same key in the same organization is the same request, whoever sends it and however often, and answers the same refund (`replayed: true`) without a second one; the same key with other fields is 422 `IDEMPOTENCY_KEY_REUSED`. Stripe's own idempotency key is derived from it, so a retry after a lost answer or a double click makes one refund. After 502 `PAYMENT_PROVIDER_ERROR`, retry with the same key.",
    '',
    "Refused before Stripe is asked: a purchase not completed, disputed or lost in a dispute, more than what is left to refund. Who refunded (the token's `sub`), when and why (`reason`, `note`) is kept in the purchase's payment events. Staff only: `owner` or `admin` in `orgId` (an `organization_members` row), or a platform operator; a `member` gets 403 `FORBIDDEN`, anyone else 404 `NOT_FOUND` (\"Organization not found\"). The role is read from the database in the request's first statement, so a member removed is refused on their next request.",
  ].join('\n'),
  security: buyerTokenSecurity,
  request: {
    params: organizationPurchaseParamsSchema,
    // Lower case: Hono hands header validators lower-cased names (HTTP header names are
    // case-insensitive, so `Idempotency-Key` is the same header).
    headers: z.object({ 'idempotency-key': idempotencyKeySchema }),
    body: {
      required: true,
      content: {
        'application/json': {
          schema: { $ref: `#/components/schemas/${CREATE_REFUND_REQUEST}` },
          example: { amountCents: 500, reason: 'requested_by_customer', revokeAccess: true },
        },
      },
    },
  },
  responses: {
    202: jsonAnswer(
      'Stripe accepted the refund.',
      z.object({ data: refundIssuedSchema }),
      noStoreHeaders,
    ),
    ...apiErrorResponses(
      [
        'VALIDATION_ERROR',
        'FORBIDDEN',
        'NOT_FOUND',
        'UNSUPPORTED_MEDIA_TYPE',
        'PURCHASE_NOT_COMPLETED',
        'PURCHASE_DISPUTED',
        'REFUND_EXCEEDS_REMAINING',
        'REFUND_REFUSED_BY_PROVIDER',
        'IDEMPOTENCY_KEY_REUSED',
        'RATE_LIMITED',
        'PAYMENT_PROVIDER_ERROR',
        'PAYMENT_PROVIDER_NOT_CONFIGURED',
      ],
      {
        NOT_FOUND: 'Purchase not found',
        VALIDATION_ERROR: 'idempotency-key: must be 1 to 255 visible ASCII characters',
      },
    ),
  },
});

/**
 * `POST /api/organizations/:orgId/purchases/:purchaseId/refunds`: a refund issued by the
 * organization's staff; the refund service's first statement reads the caller's role and decides
 * who may (`admin`, `owner`, `operator`).
 */
export const issueRefund = createApiRoutes().openapi(issueRefundRoute, async (c) => {
  const { orgId, purchaseId } = c.req.valid('param');
  const idempotencyKey = c.req.valid('header')['idempotency-key'];
  const body = parseWith(createRefundSchema, await readJsonBody(c));
  const answer = await c.var.refunds().issueRefund({
    organizationId: orgId,
    purchaseId,
    requestedBy: c.var.customerId,
    idempotencyKey,
    ...body,
  });
  c.header('Cache-Control', 'no-store');
  return c.json({ data: answer }, 202);
});

issueRefund.openAPIRegistry.register(CREATE_REFUND_REQUEST, createRefundSchema);
