import { parseWith, readJsonBody, requireOrganizationRole } from '@codex/security';
import {
  createRefundSchema,
  idempotencyKeySchema,
  organizationPurchaseParamsSchema,
} from '@codex/validation';
import { createRoute, z } from '@hono/zod-openapi';
import {
  BUYER_API_ERRORS,
  buyerTokenSecurity,
  createApiRoutes,
} from '../openapi/create-api-routes';
import { errorResponses, requestIdHeader } from '../openapi/error-responses';
import { refundIssuedSchema } from '../openapi/response-schemas';

/**
 * The body's component name: documented by reference to the schema the handler validates with,
 * as `POST /api/checkout` does (decision 013), so 415 and 400 answers stay `readJsonBody`'s.
 */
const CREATE_REFUND_REQUEST = 'CreateRefundRequest';

/** `POST /api/organizations/{orgId}/purchases/{purchaseId}/refunds`. */
export const issueRefundRoute = createRoute({
  method: 'post',
  path: '/{orgId}/purchases/{purchaseId}/refunds',
  operationId: 'issueRefund',
  tags: ['organizations'],
  summary: 'Refund a purchase of the organization',
  description: [
    "Asks Stripe to refund the purchase (all that is left, or `amountCents`) and answers 202 with Stripe's refund. Access then follows the refund's webhooks, exactly as for a refund made in the Stripe Dashboard: a refund that completes a full refund ends access, unless it was issued with `revokeAccess: false`, which keeps access however much is refunded (a later refund issued to revoke ends it).",
    '',
    "`Idempotency-Key` is required: the same key in the same organization is the same request, whoever sends it and however often, and answers the same refund (`replayed: true`) without a second one; the same key with other fields is 422 `IDEMPOTENCY_KEY_REUSED`. Stripe's own idempotency key is derived from it, so a retry after a lost answer or a double click makes one refund. After 502 `PAYMENT_PROVIDER_ERROR`, retry with the same key.",
    '',
    "Refused before Stripe is asked: a purchase not completed, disputed or lost in a dispute, more than what is left to refund. Who refunded (the token's `sub`), when and why (`reason`, `note`) is kept in the purchase's payment events. Staff only: `owner` or `admin` in `orgId` (a `member` gets 403 `FORBIDDEN`; no role, 404).",
  ].join('\n'),
  security: buyerTokenSecurity,
  middleware: requireOrganizationRole('refund'),
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
    202: {
      description: 'Stripe accepted the refund.',
      headers: z.object({ ...requestIdHeader, 'Cache-Control': z.literal('no-store') }),
      content: { 'application/json': { schema: z.object({ data: refundIssuedSchema }) } },
    },
    ...errorResponses(
      [
        ...BUYER_API_ERRORS,
        'VALIDATION_ERROR',
        'FORBIDDEN',
        'NOT_FOUND',
        'UNSUPPORTED_MEDIA_TYPE',
        'PURCHASE_NOT_COMPLETED',
        'PURCHASE_DISPUTED',
        'REFUND_EXCEEDS_REMAINING',
        'IDEMPOTENCY_KEY_REUSED',
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
 * Refunds issued by the organization's staff, mounted at `/api/organizations` beside the sales
 * reads; `requireOrganizationRole('refund')` decides who may.
 */
export const organizationRefundRoutes = createApiRoutes().openapi(issueRefundRoute, async (c) => {
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

// A clone, registered as `POST /api/checkout` registers its body (see there).
organizationRefundRoutes.openAPIRegistry.register(
  CREATE_REFUND_REQUEST,
  createRefundSchema.clone(),
);
