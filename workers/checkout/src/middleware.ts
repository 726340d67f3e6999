import { createDatabaseClient, type DatabaseClient } from '@codex/database';
import { createStripeClient, FulfillmentService, PurchaseService } from '@codex/purchases';
import { ApiError } from '@codex/security';
import type { MiddlewareHandler } from 'hono';
import type { CheckoutEnv } from './context';
import { readConfig } from './env';

/** The `service` of every log line this worker writes. */
export const SERVICE = 'checkout';

/**
 * Validates the bindings. A missing or malformed one is a misconfiguration: one error line naming
 * the variables (never their values) and a 500 without details.
 */
export const requireConfig = (): MiddlewareHandler<CheckoutEnv> =>
  async function requireConfig(c, next) {
    const result = readConfig(c.env);
    if (!result.ok) {
      c.var.logger.error('worker misconfigured', { problems: result.problems });
      throw new ApiError('INTERNAL_ERROR', 'Internal server error');
    }
    c.set('config', result.config);
    await next();
  };

/**
 * Makes the purchase service available to handlers, built on first use. Its database pool lives
 * for this request only: it is closed after the response (in `waitUntil` when the runtime gives an
 * execution context), so no socket outlives the request.
 */
export const purchaseServices = (): MiddlewareHandler<CheckoutEnv> =>
  async function purchaseServices(c, next) {
    let client: DatabaseClient | undefined;
    let service: PurchaseService | undefined;
    let fulfillment: FulfillmentService | undefined;
    let stripe: ReturnType<typeof createStripeClient> | undefined;
    const stripeClient = () => {
      const { config } = c.var;
      if (!config.STRIPE_SECRET_KEY) return undefined;
      stripe ??= createStripeClient({
        secretKey: config.STRIPE_SECRET_KEY,
        apiBase: config.STRIPE_API_BASE,
      });
      return stripe;
    };
    const database = () => {
      const { config, logger } = c.var;
      client ??= createDatabaseClient({
        connectionString: config.DATABASE_URL,
        ...(config.DATABASE_WS_PROXY ? { webSocketProxy: config.DATABASE_WS_PROXY } : {}),
        onConnectionError: (error) =>
          logger.warn('database connection error', { message: error.message }),
      });
      return client.db;
    };
    c.set('database', database);
    c.set('purchases', () => {
      const { config, logger } = c.var;
      service ??= new PurchaseService({
        db: database(),
        stripe: stripeClient(),
        logger,
        config: { webAppUrl: config.WEB_APP_URL },
      });
      return service;
    });
    c.set('fulfillment', () => {
      fulfillment ??= new FulfillmentService({
        db: database(),
        stripe: stripeClient(),
        logger: c.var.logger,
      });
      return fulfillment;
    });
    try {
      await next();
    } finally {
      if (client) {
        const closing = client.close();
        try {
          c.executionCtx.waitUntil(closing);
        } catch {
          // No execution context (a plain app.request in tests): close before answering.
          await closing;
        }
      }
    }
  };
