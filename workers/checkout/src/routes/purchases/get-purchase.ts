import { ApiError } from '@codex/security';
import { purchaseIdSchema } from '@codex/validation';
import { createRoute, z } from '@hono/zod-openapi';
import { buyerTokenSecurity, createApiRoutes } from '../../openapi/create-api-routes';
import { apiErrorResponses } from '../../openapi/error-responses';
import { jsonAnswer } from '../../openapi/json-answer';
import { privateNoStoreHeaders } from '../../openapi/response-headers';
import { buyerPurchaseSchema, toPurchaseJson } from './buyer-purchase-schema';

/** Path parameters of `GET /api/purchases/:purchaseId`. */
export const purchaseIdParamsSchema = z.object({ purchaseId: purchaseIdSchema });

const getPurchaseRoute = createRoute({
  method: 'get',
  path: '/{purchaseId}',
  operationId: 'getPurchase',
  tags: ['purchases'],
  summary: 'One of the buyer’s purchases',
  description:
    "Another customer's purchase and an unknown id are the same 404, so ids cannot be probed. One database round trip.",
  security: buyerTokenSecurity,
  request: { params: purchaseIdParamsSchema },
  responses: {
    200: jsonAnswer(
      'The purchase.',
      z.object({ data: buyerPurchaseSchema }),
      privateNoStoreHeaders,
    ),
    ...apiErrorResponses(['VALIDATION_ERROR', 'NOT_FOUND'], {
      VALIDATION_ERROR: 'purchaseId: must be a UUID',
      NOT_FOUND: 'Purchase not found',
    }),
  },
});

/** `GET /api/purchases/:purchaseId`: one of the buyer's purchases. */
export const getPurchase = createApiRoutes().openapi(getPurchaseRoute, async (c) => {
  const { purchaseId } = c.req.valid('param');
  const purchase = await c.var.buyer().getPurchase(c.var.customerId, purchaseId);
  // Another customer's purchase, or none: the same 404.
  if (!purchase) throw new ApiError('NOT_FOUND', 'Purchase not found');
  c.header('Cache-Control', 'private, no-store');
  return c.json({ data: toPurchaseJson(purchase) }, 200);
});
