import { OpenAPIHono } from '@hono/zod-openapi';
import type { CheckoutEnv } from './context';
import { BUYER_TOKEN_SCHEME } from './openapi/create-api-routes';
import { healthRoute } from './openapi/health-route';
import { checkAccess } from './routes/access/check-access';
import { checkAccessMany } from './routes/access/check-access-many';
import { issuePlaybackGrant } from './routes/access/issue-playback-grant';
import { confirmCheckoutSession } from './routes/checkout/confirm-checkout-session';
import { createCheckout } from './routes/checkout/create-checkout';
import { listLibrary } from './routes/library/list-library';
import { exportSales } from './routes/organizations/export-sales';
import { issueRefund } from './routes/organizations/issue-refund';
import { listReviewQueue } from './routes/organizations/list-review-queue';
import { listSales } from './routes/organizations/list-sales';
import { resolveReviewItem } from './routes/organizations/resolve-review-item';
import { summarizeSales } from './routes/organizations/summarize-sales';
import { exportEarnings } from './routes/payouts/export-earnings';
import { getPayoutStatus } from './routes/payouts/get-payout-status';
import { listEarnings } from './routes/payouts/list-earnings';
import { startPayoutOnboarding } from './routes/payouts/start-payout-onboarding';
import { summarizeEarnings } from './routes/payouts/summarize-earnings';
import { getPlaybackGrantKeys } from './routes/playback/get-playback-grant-keys';
import { getPurchase } from './routes/purchases/get-purchase';
import { listPurchases } from './routes/purchases/list-purchases';

/**
 * The buyer's public API, one endpoint per file under `src/routes/<area>/` (each holds its route
 * definition, handler, request and answer schemas): every route mounted here is in the OpenAPI
 * document (`openApiDocument`), and `src/openapi.test.ts` fails if the app serves a route the
 * document lacks or the other way round. Routes that are not public (the bench) are mounted on
 * the app directly, not here. The order is the document's order.
 */
export const publicApi = new OpenAPIHono<CheckoutEnv>()
  .route('/api/checkout', createCheckout)
  .route('/api/checkout', confirmCheckoutSession)
  .route('/api/purchases', checkAccess)
  .route('/api/purchases', checkAccessMany)
  .route('/api/purchases', issuePlaybackGrant)
  .route('/api/purchases', listPurchases)
  .route('/api/purchases', getPurchase)
  .route('/api/library', listLibrary)
  .route('/api/organizations', listSales)
  .route('/api/organizations', summarizeSales)
  .route('/api/organizations', exportSales)
  .route('/api/organizations', issueRefund)
  .route('/api/organizations', listReviewQueue)
  .route('/api/organizations', resolveReviewItem)
  .route('/api/organizations', getPayoutStatus)
  .route('/api/organizations', startPayoutOnboarding)
  .route('/api/organizations', listEarnings)
  .route('/api/organizations', summarizeEarnings)
  .route('/api/organizations', exportEarnings)
  .route('/', getPlaybackGrantKeys);

publicApi.openAPIRegistry.registerComponent('securitySchemes', BUYER_TOKEN_SCHEME, {
  type: 'http',
  scheme: 'bearer',
  bearerFormat: 'JWT',
  description: [
    "A JWT from the identity provider: RS256, ES256 or EdDSA, signed by a key the provider publishes at the worker's `AUTH_JWKS_URL` (the key's type fixes the algorithm; the header's `kid` names it), or HS256 with the worker's `AUTH_JWT_SECRET` (local development and tests). Nothing else is accepted (`none` never).",
    '',
    "Claims: `sub` (required) is the customer id: 1-255 printable ASCII characters without spaces; the customer is always this claim, never a request parameter. `exp` (required) in the future; `nbf` and `iat` are honoured when present (60 s of clock skew). `iss` must be the worker's `AUTH_ISSUER` and, on the buyer routes, `aud` must contain `AUTH_AUDIENCE`, when those are set.",
    '',
    "**Staff routes** (`/api/organizations/{orgId}/...`) accept only a token whose `aud` contains the worker's `AUTH_STAFF_AUDIENCE`: a buyer token is refused there with 401, whatever its claims.",
    '',
    "Staff roles are not in the token: the token proves who (`sub`), the platform's database says what. A staff member has a role in an organization (`owner`, `admin` or `member`) when an organization administrator added them; a platform operator has the role `operator` in every organization. The role is read in the same statement as the answer, so a member removed is refused on their next request, with the same token. `/api/organizations/{orgId}/...` answers 404 `NOT_FOUND` without a role in `orgId` (as for an organization that does not exist) and 403 `FORBIDDEN` for a role that does not allow the action: `member` reads sales; `admin`, `owner` and `operator` also refund, review and read earnings; `owner` and `operator` also manage payouts (Stripe onboarding). An `orgs` claim is ignored.",
    '',
    'Any failure is the same 401 `UNAUTHORIZED` with `WWW-Authenticate: Bearer`.',
  ].join('\n'),
});

// `GET /health` is served by `createWorkerApp` (shared with the webhook worker), so it is described
// here rather than registered with `.openapi()`.
publicApi.openAPIRegistry.registerPath(healthRoute);
