import type { BuyerPurchase } from '@codex/purchases';
import { ApiError } from '@codex/security';
import { listQuerySchema, purchaseIdParamsSchema } from '@codex/validation';
import { createRoute, z } from '@hono/zod-openapi';
import {
  BUYER_API_ERRORS,
  buyerTokenSecurity,
  createApiRoutes,
} from '../openapi/create-api-routes';
import { errorResponses, requestIdHeader } from '../openapi/error-responses';
import { buyerPurchasePageSchema, buyerPurchaseSchema } from '../openapi/response-schemas';

const privateNoStore = z.object({
  ...requestIdHeader,
  'Cache-Control': z.literal('private, no-store'),
});

/** `GET /api/purchases`. */
export const listPurchasesRoute = createRoute({
  method: 'get',
  path: '/',
  operationId: 'listPurchases',
  tags: ['purchases'],
  summary: "The buyer's purchases, newest first",
  description:
    'Every purchase of the authenticated customer (and only theirs), newest first, a page at a time: pass `nextCursor` back as `cursor`. One database round trip.',
  security: buyerTokenSecurity,
  request: { query: listQuerySchema },
  responses: {
    200: {
      description: 'One page of purchases.',
      headers: privateNoStore,
      content: { 'application/json': { schema: buyerPurchasePageSchema } },
    },
    ...errorResponses([...BUYER_API_ERRORS, 'VALIDATION_ERROR', 'INVALID_CURSOR'], {
      VALIDATION_ERROR: 'limit: must be a whole number from 1 to 100',
    }),
  },
});

/** `GET /api/purchases/{purchaseId}`. */
export const getPurchaseRoute = createRoute({
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
    200: {
      description: 'The purchase.',
      headers: privateNoStore,
      content: { 'application/json': { schema: z.object({ data: buyerPurchaseSchema }) } },
    },
    ...errorResponses([...BUYER_API_ERRORS, 'VALIDATION_ERROR', 'NOT_FOUND'], {
      VALIDATION_ERROR: 'purchaseId: must be a UUID',
      NOT_FOUND: 'Purchase not found',
    }),
  },
});

/** The JSON shape of a purchase (a buyer's, or a sale): instants as ISO 8601 strings. */
export function toPurchaseJson<P extends BuyerPurchase>(purchase: P) {
  return {
    ...purchase,
    createdAt: purchase.createdAt.toISOString(),
    purchasedAt: purchase.purchasedAt?.toISOString() ?? null,
    refundedAt: purchase.refundedAt?.toISOString() ?? null,
  };
}

/** `GET /api/purchases` (history) and `GET /api/purchases/:purchaseId` (one of them). */
export const purchaseRoutes = createApiRoutes()
  .openapi(listPurchasesRoute, async (c) => {
    const { cursor, limit } = c.req.valid('query');
    const page = await c.var.buyer().listPurchases(c.var.customerId, { cursor, limit });
    c.header('Cache-Control', 'private, no-store');
    return c.json({ data: page.items.map(toPurchaseJson), nextCursor: page.nextCursor }, 200);
  })
  .openapi(getPurchaseRoute, async (c) => {
    const { purchaseId } = c.req.valid('param');
    const purchase = await c.var.buyer().getPurchase(c.var.customerId, purchaseId);
    // Another customer's purchase, or none: the same 404.
    if (!purchase) throw new ApiError('NOT_FOUND', 'Purchase not found');
    c.header('Cache-Control', 'private, no-store');
    return c.json({ data: toPurchaseJson(purchase) }, 200);
  });
