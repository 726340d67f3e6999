import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { CheckoutEnv } from './context';
import { BUYER_TOKEN_SCHEME } from './openapi/create-api-routes';
import { requestIdHeader } from './openapi/error-responses';
import { healthAnswerSchema } from './openapi/response-schemas';
import { accessRoutes } from './routes/access';
import { checkoutRoutes } from './routes/checkout';
import { libraryRoutes } from './routes/library';
import { organizationRefundRoutes } from './routes/organization-refunds';
import { organizationRoutes } from './routes/organizations';
import { purchaseRoutes } from './routes/purchases';

/**
 * The buyer's public API: every route mounted here is in the OpenAPI document (`openApiDocument`),
 * and `src/openapi.test.ts` fails if the app serves a route the document lacks or the other way
 * round. Routes that are not public (the bench) are mounted on the app directly, not here.
 */
export const publicApi = new OpenAPIHono<CheckoutEnv>()
  .route('/api/checkout', checkoutRoutes)
  .route('/api/purchases', accessRoutes)
  .route('/api/purchases', purchaseRoutes)
  .route('/api/library', libraryRoutes)
  .route('/api/organizations', organizationRoutes)
  .route('/api/organizations', organizationRefundRoutes);

publicApi.openAPIRegistry.registerComponent('securitySchemes', BUYER_TOKEN_SCHEME, {
  type: 'http',
  scheme: 'bearer',
  bearerFormat: 'JWT',
  description: [
    "A buyer token from the web app's identity service: a JWT signed with HS256 (the only algorithm accepted) with the worker's `AUTH_JWT_SECRET`.",
    '',
    'Claims: `sub` (required) is the customer id: 1-255 printable ASCII characters without spaces; the customer is always this claim, never a request parameter. `exp` (required) in the future; `nbf` and `iat` are honoured when present.',
    '',
    'Staff of an organization use the same token with an `orgs` claim: `{"<organization id>": "owner" | "admin" | "member"}` (at most 50 organizations; an entry whose id is not a UUID or whose role is unknown is ignored, a claim that is not an object or names more grants no role; the token still authenticates). `/api/organizations/{orgId}/...` answers 404 `NOT_FOUND` without a role in `orgId` (as for an organization that does not exist) and 403 `FORBIDDEN` for a role that does not allow the action: `member` reads sales; `admin` and `owner` also refund.',
    '',
    'Any failure is the same 401 `UNAUTHORIZED` with `WWW-Authenticate: Bearer`.',
  ].join('\n'),
});

// `GET /health` is served by `createWorkerApp` (shared with the webhook worker), so it is described
// here rather than registered with `.openapi()`; the route test checks that the app serves it.
publicApi.openAPIRegistry.registerPath(
  createRoute({
    method: 'get',
    path: '/health',
    operationId: 'health',
    tags: ['operations'],
    summary: 'Liveness',
    description: 'No authentication, no configuration, no database.',
    responses: {
      200: {
        description: 'The worker is running.',
        headers: z.object(requestIdHeader),
        content: { 'application/json': { schema: healthAnswerSchema } },
      },
    },
  }),
);
