import {
  createErrorHandler,
  limitBody,
  notFoundHandler,
  requestId,
  requestLogging,
  securityHeaders,
} from '@codex/security';
import { requestDatabase, requestStripe, requireConfig } from '@codex/worker-runtime';
import { Hono } from 'hono';
import type { WebhookEnv } from './context';
import { type WebhookBindings, webhookConfigSchema } from './env';
import { fulfillmentServices, SERVICE } from './middleware';
import { paymentWebhookRoutes } from './routes/payment-webhook';
import { scheduled } from './scheduled';

// Checkout Session events are a few KiB; this leaves room and stops floods early.
const MAX_BODY_BYTES = 256 * 1024;

const app = new Hono<WebhookEnv>();

app.use('*', requestId());
app.use('*', requestLogging({ service: SERVICE, environment: (c) => c.env.ENVIRONMENT }));
app.use('*', securityHeaders());
app.get('/health', (c) => c.json({ status: 'ok' }));

// A misconfiguration answers 500 (logged once, never the values) so Stripe retries until fixed.
app.use('/webhooks/*', requireConfig({ schema: webhookConfigSchema }));
app.use('/webhooks/*', limitBody({ maxBytes: MAX_BODY_BYTES }));
app.use('/webhooks/*', requestDatabase());
app.use('/webhooks/*', requestStripe());
app.use('/webhooks/*', fulfillmentServices());

const routes = app.route('/webhooks/stripe', paymentWebhookRoutes);

app.notFound(notFoundHandler);
app.onError(createErrorHandler({ logger: (c) => c.var.logger }));

/** The app's type (routes and their answers), e.g. for `hc<StripeWebhookApp>` in tests or tools. */
export type StripeWebhookApp = typeof routes;

/** The worker: Stripe webhooks over HTTP, reconciliation on the Cron Trigger. */
export default {
  fetch: app.fetch,
  scheduled,
} satisfies ExportedHandler<WebhookBindings>;
