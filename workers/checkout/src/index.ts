import { isPurchaseError } from '@codex/purchases';
import {
  ApiError,
  buyerAuth,
  corsForWebApp,
  createErrorHandler,
  limitBody,
  notFoundHandler,
  requestId,
  requestLogging,
  securityHeaders,
} from '@codex/security';
import { requestDatabase, requestStripe, requireConfig } from '@codex/worker-runtime';
import { Hono } from 'hono';
import type { CheckoutEnv } from './context';
import { checkoutConfigSchema } from './env';
import { purchaseServices, SERVICE } from './middleware';
import { accessRoutes } from './routes/access';
import { benchRoutes } from './routes/bench';
import { checkoutRoutes } from './routes/checkout';

const MAX_BODY_BYTES = 8 * 1024;

const app = new Hono<CheckoutEnv>();

app.use('*', requestId());
app.use('*', requestLogging({ service: SERVICE, environment: (c) => c.env.ENVIRONMENT }));
app.use('*', securityHeaders());
app.get('/health', (c) => c.json({ status: 'ok' }));

app.use('/api/*', requireConfig({ schema: checkoutConfigSchema }));
app.use('/api/*', corsForWebApp({ origin: (c) => c.var.config.WEB_APP_URL }));
app.use('/api/*', limitBody({ maxBytes: MAX_BODY_BYTES }));
app.use('/api/*', buyerAuth({ secret: (c) => c.var.config.AUTH_JWT_SECRET }));
app.use('/api/*', requestDatabase());
app.use('/api/*', requestStripe());
app.use('/api/*', purchaseServices());

const routes = app.route('/api/checkout', checkoutRoutes).route('/api/purchases', accessRoutes);
app.route('/api/bench', benchRoutes);

app.notFound(notFoundHandler);
app.onError(
  createErrorHandler({
    logger: (c) => c.var.logger,
    mapError: (error) =>
      isPurchaseError(error)
        ? new ApiError(error.code, error.message, { cause: error })
        : undefined,
  }),
);

/** The app's type, for the web app's typed client: `hc<CheckoutApp>(baseUrl)`. */
export type CheckoutApp = typeof routes;

export default app;
