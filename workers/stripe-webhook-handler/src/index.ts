import { limitBody } from '@codex/security';
import {
  createWorkerApp,
  requestDatabase,
  requestStripe,
  requireConfig,
} from '@codex/worker-runtime';
import type { WebhookEnv } from './context';
import { type WebhookBindings, webhookConfigSchema } from './env';
import { fulfillmentServices, SERVICE } from './middleware';
import { queue } from './queue';
import { connectWebhookRoutes } from './routes/connect-webhook/connect-webhook';
import { paymentWebhookRoutes } from './routes/payment-webhook/payment-webhook';
import { scheduled } from './scheduled';

// Checkout Session events are a few KiB; this leaves room and stops floods early.
const MAX_BODY_BYTES = 256 * 1024;

// Request id, logging, security headers, GET /health, notFound and onError.
const app = createWorkerApp<WebhookEnv>({ service: SERVICE });

// A misconfiguration answers 500 (logged once, never the values) so Stripe retries until fixed.
app.use('/webhooks/*', requireConfig({ schema: webhookConfigSchema }));
app.use('/webhooks/*', limitBody({ maxBytes: MAX_BODY_BYTES }));
app.use('/webhooks/*', requestDatabase());
app.use('/webhooks/*', requestStripe());
app.use('/webhooks/*', fulfillmentServices());

const routes = app
  .route('/webhooks/stripe', paymentWebhookRoutes)
  .route('/webhooks/stripe', connectWebhookRoutes);

/** The app's type (routes and their answers), e.g. for `hc<StripeWebhookApp>` in tests or tools. */
export type StripeWebhookApp = typeof routes;

/**
 * The worker: Stripe webhooks over HTTP; reconciliation and the e-mail outbox's due rows on the
 * Cron Trigger; the e-mail queue's consumer.
 */
export default {
  fetch: app.fetch,
  scheduled,
  queue,
} satisfies ExportedHandler<WebhookBindings>;
