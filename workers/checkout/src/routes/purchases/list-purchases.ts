import { listQuerySchema } from '@codex/validation';
import { createRoute } from '@hono/zod-openapi';
import { buyerTokenSecurity, createApiRoutes } from '../../openapi/create-api-routes';
import { apiErrorResponses } from '../../openapi/error-responses';
import { jsonAnswer } from '../../openapi/json-answer';
import { pageOf } from '../../openapi/response-fields';
import { privateNoStoreHeaders } from '../../openapi/response-headers';
import { buyerPurchaseSchema, toPurchaseJson } from './buyer-purchase-schema';

/** One page of the buyer's purchases, newest first. */
const buyerPurchasePageSchema = pageOf(buyerPurchaseSchema, 'BuyerPurchasePage');

const listPurchasesRoute = createRoute({
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
    200: jsonAnswer('One page of purchases.', buyerPurchasePageSchema, privateNoStoreHeaders),
    ...apiErrorResponses(['VALIDATION_ERROR', 'INVALID_CURSOR'], {
      VALIDATION_ERROR: 'limit: must be a whole number from 1 to 100',
    }),
  },
});

/** `GET /api/purchases`: the buyer's purchase history, a page at a time. */
export const listPurchases = createApiRoutes().openapi(listPurchasesRoute, async (c) => {
  const { cursor, limit } = c.req.valid('query');
  const page = await c.var.buyer().listPurchases(c.var.customerId, { cursor, limit });
  c.header('Cache-Control', 'private, no-store');
  return c.json({ data: page.items.map(toPurchaseJson), nextCursor: page.nextCursor }, 200);
});
