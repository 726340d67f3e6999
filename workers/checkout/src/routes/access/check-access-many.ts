import { parseWith, readJsonBody } from '@codex/security';
import { contentIdSchema } from '@codex/validation';
import { createRoute, z } from '@hono/zod-openapi';
import { buyerTokenSecurity, createApiRoutes } from '../../openapi/create-api-routes';
import { apiErrorResponses } from '../../openapi/error-responses';
import { jsonAnswer } from '../../openapi/json-answer';
import { EXAMPLE_CONTENT_ID } from '../../openapi/response-fields';
import { privateNoStoreHeaders } from '../../openapi/response-headers';

/** The most content ids one batch access check answers (one statement, one array of ids). */
export const MAX_ACCESS_CHECK_IDS = 100;

/**
 * Body of `POST /api/purchases/access`: 1 to {@link MAX_ACCESS_CHECK_IDS} content ids (UUIDs).
 * Duplicates are allowed and collapsed (ids lower-cased first), so the answer has one key per
 * distinct id. Unknown keys are refused.
 */
export const accessManyBodySchema = z.strictObject({
  contentIds: z
    .array(contentIdSchema, { error: 'must be an array of content ids' })
    .min(1, { error: 'must name at least one content id' })
    .max(MAX_ACCESS_CHECK_IDS, {
      error: `must name at most ${MAX_ACCESS_CHECK_IDS} content ids`,
    })
    .transform((ids) => [...new Set(ids)]),
});

/** The body's component name: `accessManyBodySchema`, by reference (see `create-checkout.ts`). */
const ACCESS_MANY_REQUEST = 'AccessManyRequest';

const accessManyAnswerSchema = z
  .object({
    access: z.record(z.string(), z.boolean()).openapi({
      description:
        'Every content id asked (lower case, duplicates collapsed) → whether the customer may play it, by the same rule as `GET /api/purchases/access/{contentId}`.',
      example: { [EXAMPLE_CONTENT_ID]: true },
    }),
  })
  .openapi('AccessManyAnswer');

const checkAccessManyRoute = createRoute({
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
          example: { contentIds: [EXAMPLE_CONTENT_ID] },
        },
      },
    },
  },
  responses: {
    200: jsonAnswer(
      'One answer per distinct id asked.',
      accessManyAnswerSchema,
      privateNoStoreHeaders,
    ),
    ...apiErrorResponses(['VALIDATION_ERROR', 'UNSUPPORTED_MEDIA_TYPE'], {
      VALIDATION_ERROR: 'contentIds: must name at most 100 content ids',
    }),
  },
});

/** `POST /api/purchases/access`: the access check for up to 100 ids, in one query. */
export const checkAccessMany = createApiRoutes().openapi(checkAccessManyRoute, async (c) => {
  const { contentIds } = parseWith(accessManyBodySchema, await readJsonBody(c));
  const access = await c.var.access().checkAccessMany(c.var.customerId, contentIds);
  c.header('Cache-Control', 'private, no-store');
  return c.json({ access }, 200);
});

checkAccessMany.openAPIRegistry.register(ACCESS_MANY_REQUEST, accessManyBodySchema);
