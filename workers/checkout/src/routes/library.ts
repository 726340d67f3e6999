import { listQuerySchema } from '@codex/validation';
import { createRoute, z } from '@hono/zod-openapi';
import {
  BUYER_API_ERRORS,
  buyerTokenSecurity,
  createApiRoutes,
} from '../openapi/create-api-routes';
import { errorResponses, requestIdHeader } from '../openapi/error-responses';
import { libraryPageSchema } from '../openapi/response-schemas';

/** `GET /api/library`. */
export const listLibraryRoute = createRoute({
  method: 'get',
  path: '/',
  operationId: 'listLibrary',
  tags: ['purchases'],
  summary: 'What the buyer may play now',
  description:
    'The content the access check would answer true for, by the same rule (one predicate in SQL), most recent purchase first, a page at a time. One database round trip.',
  security: buyerTokenSecurity,
  request: { query: listQuerySchema },
  responses: {
    200: {
      description: 'One page of the library.',
      headers: z.object({ ...requestIdHeader, 'Cache-Control': z.literal('private, no-store') }),
      content: { 'application/json': { schema: libraryPageSchema } },
    },
    ...errorResponses([...BUYER_API_ERRORS, 'VALIDATION_ERROR', 'INVALID_CURSOR'], {
      VALIDATION_ERROR: 'limit: must be a whole number from 1 to 100',
    }),
  },
});

/** `GET /api/library`: the buyer's playable content. */
export const libraryRoutes = createApiRoutes().openapi(listLibraryRoute, async (c) => {
  const { cursor, limit } = c.req.valid('query');
  const page = await c.var.buyer().listLibrary(c.var.customerId, { cursor, limit });
  c.header('Cache-Control', 'private, no-store');
  const data = page.items.map((item) => ({
    ...item,
    purchasedAt: item.purchasedAt.toISOString(),
  }));
  return c.json({ data, nextCursor: page.nextCursor }, 200);
});
