import { parseWith, readJsonBody } from '@codex/security';
import { accessManyBodySchema, contentAccessParamsSchema } from '@codex/validation';
import { createRoute, z } from '@hono/zod-openapi';
import {
  BUYER_API_ERRORS,
  buyerTokenSecurity,
  createApiRoutes,
} from '../openapi/create-api-routes';
import { errorResponses, requestIdHeader } from '../openapi/error-responses';
import { accessAnswerSchema, accessManyAnswerSchema } from '../openapi/response-schemas';

/** The batch body's component name: `accessManyBodySchema`, documented by reference (see checkout.ts). */
const ACCESS_MANY_REQUEST = 'AccessManyRequest';
const privateNoStore = z.object({
  ...requestIdHeader,
  'Cache-Control': z.literal('private, no-store'),
});

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
      headers: privateNoStore,
      content: { 'application/json': { schema: accessAnswerSchema } },
    },
    ...errorResponses([...BUYER_API_ERRORS, 'VALIDATION_ERROR']),
  },
});

/** `POST /api/purchases/access`. */
export const accessManyRoute = createRoute({
  method: 'post',
  path: '/access',
  operationId: 'checkAccessMany',
  tags: ['access'],
  summary: 'May the customer play each of these items? (a catalogue page)',
  description:
    'Up to 100 content ids in one call and one query, by the same rule as the single check: a catalogue page showing "owned" on 50 items makes one request, not 50.',
  security: buyerTokenSecurity,
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: { $ref: `#/components/schemas/${ACCESS_MANY_REQUEST}` },
          example: { contentIds: ['6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9'] },
        },
      },
    },
  },
  responses: {
    200: {
      description: 'One answer per distinct id asked.',
      headers: privateNoStore,
      content: { 'application/json': { schema: accessManyAnswerSchema } },
    },
    ...errorResponses([...BUYER_API_ERRORS, 'VALIDATION_ERROR', 'UNSUPPORTED_MEDIA_TYPE'], {
      VALIDATION_ERROR: 'contentIds: must name at most 100 content ids',
    }),
  },
});

/**
 * `GET /api/purchases/access/:contentId`: may the authenticated customer play this content? The
 * hot path: one indexed query, no other round trip. `POST /api/purchases/access`: the same for up
 * to 100 ids, in one query.
 */
export const accessRoutes = createApiRoutes()
  .openapi(accessRoute, async (c) => {
    const { contentId } = c.req.valid('param');
    const hasAccess = await c.var.access().hasAccess(c.var.customerId, contentId);
    c.header('Cache-Control', 'private, no-store');
    return c.json({ hasAccess }, 200);
  })
  .openapi(accessManyRoute, async (c) => {
    const { contentIds } = parseWith(accessManyBodySchema, await readJsonBody(c));
    const access = await c.var.access().checkAccessMany(c.var.customerId, contentIds);
    c.header('Cache-Control', 'private, no-store');
    return c.json({ access }, 200);
  });

accessRoutes.openAPIRegistry.register(ACCESS_MANY_REQUEST, accessManyBodySchema.clone());
