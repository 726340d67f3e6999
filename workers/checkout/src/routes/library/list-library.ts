import { listQuerySchema } from '@codex/validation';
import { createRoute, z } from '@hono/zod-openapi';
import { buyerTokenSecurity, createApiRoutes } from '../../openapi/create-api-routes';
import { apiErrorResponses } from '../../openapi/error-responses';
import { jsonAnswer } from '../../openapi/json-answer';
import {
  contentIdField,
  contentTitleField,
  isoInstant,
  pageOf,
  purchaseIdField,
} from '../../openapi/response-fields';
import { privateNoStoreHeaders } from '../../openapi/response-headers';

/** Something the buyer may play now. */
const libraryItemSchema = z
  .object({
    contentId: contentIdField,
    contentTitle: contentTitleField,
    purchaseId: purchaseIdField,
    purchasedAt: isoInstant('When the payment completed.'),
  })
  .openapi('LibraryItem');

/** One page of the library, most recent purchase first. */
const libraryPageSchema = pageOf(libraryItemSchema, 'LibraryPage');

const listLibraryRoute = createRoute({
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
    200: jsonAnswer('One page of the library.', libraryPageSchema, privateNoStoreHeaders),
    ...apiErrorResponses(['VALIDATION_ERROR', 'INVALID_CURSOR'], {
      VALIDATION_ERROR: 'limit: must be a whole number from 1 to 100',
    }),
  },
});

/** `GET /api/library`: the buyer's playable content, a page at a time. */
export const listLibrary = createApiRoutes().openapi(listLibraryRoute, async (c) => {
  const { cursor, limit } = c.req.valid('query');
  const page = await c.var.buyer().listLibrary(c.var.customerId, { cursor, limit });
  c.header('Cache-Control', 'private, no-store');
  const data = page.items.map((item) => ({
    ...item,
    purchasedAt: item.purchasedAt.toISOString(),
  }));
  return c.json({ data, nextCursor: page.nextCursor }, 200);
});
