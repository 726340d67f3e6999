import { contentAccessParamsSchema } from '@codex/validation';
import { createRoute, z } from '@hono/zod-openapi';
import {
  BUYER_API_ERRORS,
  buyerTokenSecurity,
  createApiRoutes,
} from '../openapi/create-api-routes';
import { errorResponses, requestIdHeader } from '../openapi/error-responses';
import { accessAnswerSchema } from '../openapi/response-schemas';

/** `GET /api/purchases/access/{contentId}`. */
export const accessRoute = createRoute({
  method: 'get',
  path: '/access/{contentId}',
  operationId: 'checkAccess',
  tags: ['access'],
  summary: 'May the authenticated customer play this content?',
  description:
    "The player's question, asked often: one indexed query, no other round trip. The customer is the token's `sub`, never a parameter (a `customerId` in the query is ignored).",
  security: buyerTokenSecurity,
  request: { params: contentAccessParamsSchema },
  responses: {
    200: {
      description: 'Whether the customer may play the content.',
      headers: z.object({ ...requestIdHeader, 'Cache-Control': z.literal('private, no-store') }),
      content: { 'application/json': { schema: accessAnswerSchema } },
    },
    ...errorResponses([...BUYER_API_ERRORS, 'VALIDATION_ERROR']),
  },
});

/**
 * `GET /api/purchases/access/:contentId`: may the authenticated customer play this content? The
 * hot path: one indexed query, no other round trip.
 */
export const accessRoutes = createApiRoutes().openapi(accessRoute, async (c) => {
  const { contentId } = c.req.valid('param');
  const hasAccess = await c.var.purchases().hasAccess(c.var.customerId, contentId);
  c.header('Cache-Control', 'private, no-store');
  return c.json({ hasAccess }, 200);
});
