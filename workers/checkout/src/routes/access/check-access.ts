import { contentIdSchema } from '@codex/validation';
import { createRoute, z } from '@hono/zod-openapi';
import { buyerTokenSecurity, createApiRoutes } from '../../openapi/create-api-routes';
import { apiErrorResponses } from '../../openapi/error-responses';
import { jsonAnswer } from '../../openapi/json-answer';
import { privateNoStoreHeaders } from '../../openapi/response-headers';

/** Path parameters of `GET /api/purchases/access/:contentId`. */
export const contentAccessParamsSchema = z.object({ contentId: contentIdSchema });

const accessAnswerSchema = z
  .object({
    hasAccess: z.boolean().openapi({
      description:
        'True only for a completed purchase whose refunds have not ended access (none in full, or only refunds issued to keep it), with no open or lost dispute.',
    }),
  })
  .openapi('AccessAnswer');

const checkAccessRoute = createRoute({
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
    200: jsonAnswer(
      'Whether the customer may play the content.',
      accessAnswerSchema,
      privateNoStoreHeaders,
    ),
    ...apiErrorResponses(['VALIDATION_ERROR']),
  },
});

/**
 * `GET /api/purchases/access/:contentId`: may the authenticated customer play this content? The
 * hot path: one indexed query, no other round trip.
 */
export const checkAccess = createApiRoutes().openapi(checkAccessRoute, async (c) => {
  const { contentId } = c.req.valid('param');
  const hasAccess = await c.var.access().hasAccess(c.var.customerId, contentId);
  c.header('Cache-Control', 'private, no-store');
  return c.json({ hasAccess }, 200);
});
