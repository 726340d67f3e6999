import type { DatabaseClient } from '@codex/database';
import { createStripeClient, FulfillmentService } from '@codex/purchases';
import { ApiError } from '@codex/security';
import type { MiddlewareHandler } from 'hono';
import type Stripe from 'stripe';
import type { WebhookEnv } from './context';
import { readWebhookConfig } from './env';
import { openDatabase } from './open-database';

/** The `service` of every log line this worker writes. */
export const SERVICE = 'stripe-webhook-handler';

/**
 * Validates the bindings. A missing or malformed one is a misconfiguration: one error line naming
 * the variables (never their values) and a 500 without details, so Stripe keeps retrying until the
 * secret is fixed.
 */
export const requireConfig = (): MiddlewareHandler<WebhookEnv> =>
  async function requireConfig(c, next) {
    const result = readWebhookConfig(c.env);
    if (!result.ok) {
      c.var.logger.error('worker misconfigured', { problems: result.problems });
      throw new ApiError('INTERNAL_ERROR', 'Internal server error');
    }
    c.set('config', result.config);
    await next();
  };

/**
 * Makes the Stripe client and the fulfillment service available to handlers, each built on first
 * use. The database pool is opened only when the service is first asked for (so a request refused
 * before that, e.g. on its signature, never connects) and lives for this request only: it is
 * closed after the response, in `waitUntil` when the runtime gives an execution context.
 */
export const fulfillmentServices = (): MiddlewareHandler<WebhookEnv> =>
  async function fulfillmentServices(c, next) {
    let stripe: Stripe | undefined;
    let database: DatabaseClient | undefined;
    let service: FulfillmentService | undefined;
    const stripeClient = () => {
      const { config } = c.var;
      if (!config.STRIPE_SECRET_KEY) return undefined;
      stripe ??= createStripeClient({
        secretKey: config.STRIPE_SECRET_KEY,
        apiBase: config.STRIPE_API_BASE,
      });
      return stripe;
    };
    c.set('stripe', stripeClient);
    c.set('fulfillment', () => {
      const { config, logger } = c.var;
      database ??= openDatabase(config, logger);
      service ??= new FulfillmentService({ db: database.db, stripe: stripeClient(), logger });
      return service;
    });
    try {
      await next();
    } finally {
      if (database) {
        const closing = database.close();
        try {
          c.executionCtx.waitUntil(closing);
        } catch {
          // No execution context (a plain app.request): close before answering.
          await closing;
        }
      }
    }
  };
