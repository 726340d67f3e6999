import { isPurchaseError } from '@codex/purchases';
import { ApiError, buyerAuth, corsForWebApp, limitBody, rateLimit } from '@codex/security';
import {
  createWorkerApp,
  requestDatabase,
  requestStripe,
  requireConfig,
} from '@codex/worker-runtime';
import type { Context } from 'hono';
import { except } from 'hono/combine';
import type { CheckoutEnv } from './context';
import { checkoutConfigSchema } from './env';
import { purchaseServices, SERVICE } from './middleware';
import { publicApi } from './public-api';
import { fallbackRateLimiter } from './rate-limiter';
import { requireStaffAudience } from './require-staff-audience';
import { benchRoutes } from './routes/bench';
import { openApiRoutes } from './routes/openapi';
import { PLAYBACK_GRANT_KEYS_PATH } from './routes/playback/get-playback-grant-keys';

const MAX_BODY_BYTES = 8 * 1024;
/** As `STAFF_RATE_LIMITER` in wrangler.jsonc. */
const STAFF_RATE_LIMIT = { limit: 120, periodSeconds: 60 } as const;
/** The staff routes: they take only tokens for the staff audience (decision 022). */
const ORGANIZATION_ROUTES = '/api/organizations/*';

/** How every token is verified, whatever the route (the audience aside). */
const identity = {
  secret: (c: Context<CheckoutEnv>) => c.var.config.AUTH_JWT_SECRET,
  jwksUrl: (c: Context<CheckoutEnv>) => c.var.config.AUTH_JWKS_URL,
  issuer: (c: Context<CheckoutEnv>) => c.var.config.AUTH_ISSUER,
};

// Request id, logging, security headers, GET /health, notFound and onError.
const app = createWorkerApp<CheckoutEnv>({
  service: SERVICE,
  mapError: (error) =>
    isPurchaseError(error) ? new ApiError(error.code, error.message, { cause: error }) : undefined,
});

app.use('/api/*', requireConfig({ schema: checkoutConfigSchema }));
// The key set is public (no token) and reads only the configuration: none of /api's middleware.
app.use(PLAYBACK_GRANT_KEYS_PATH, requireConfig({ schema: checkoutConfigSchema }));
app.use('/api/*', corsForWebApp({ origin: (c) => c.var.config.WEB_APP_URL }));
app.use('/api/*', limitBody({ maxBytes: MAX_BODY_BYTES }));
// The storefront's buyer token must not carry staff power (it lives on pages that render
// creator-written text): the organization routes want the staff audience, the others the buyer's.
app.use(
  '/api/*',
  except(
    ORGANIZATION_ROUTES,
    buyerAuth({ ...identity, audience: (c) => c.var.config.AUTH_AUDIENCE }),
  ),
);
app.use(ORGANIZATION_ROUTES, requireStaffAudience());
app.use(
  ORGANIZATION_ROUTES,
  buyerAuth({ ...identity, audience: (c) => c.var.config.AUTH_STAFF_AUDIENCE }),
);
// Per member, whichever organization: a leaked or looping staff client cannot hammer the sales
// reads (each a range scan) or the refund endpoint.
app.use(
  ORGANIZATION_ROUTES,
  rateLimit({
    limiter: (c) => c.env.STAFF_RATE_LIMITER ?? fallbackRateLimiter(STAFF_RATE_LIMIT),
    key: (c) => `staff:${c.var.customerId}`,
    periodSeconds: STAFF_RATE_LIMIT.periodSeconds,
  }),
);
app.use('/api/*', requestDatabase());
app.use('/api/*', requestStripe());
app.use('/api/*', purchaseServices());

const routes = app.route('/', publicApi);
app.route('/api/bench', benchRoutes);
app.route('/', openApiRoutes);

/** The app's type, for the web app's typed client: `hc<CheckoutApp>(baseUrl)`. */
export type CheckoutApp = typeof routes;

export default app;
