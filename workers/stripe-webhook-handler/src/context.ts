import type { Database } from '@codex/database';
import type { ObservabilityClient } from '@codex/observability';
import type { FulfillmentService } from '@codex/purchases';
import type Stripe from 'stripe';
import type { WebhookBindings, WebhookConfig } from './env';

/** Per-request values middleware puts on the Hono context. */
export interface WebhookVariables {
  requestId: string;
  logger: ObservabilityClient;
  config: WebhookConfig;
  /** Opened on first use; the pool is closed when the request ends (`requestDatabase`). */
  database: () => Database;
  /**
   * The Stripe client, built on first use (no network until a call is made); undefined when no
   * STRIPE_SECRET_KEY is configured (`requestStripe`).
   */
  stripe: () => Stripe | undefined;
  /** Built on first use, on `database()` and `stripe()`. */
  fulfillment: () => FulfillmentService;
}

export interface WebhookEnv {
  Bindings: WebhookBindings;
  Variables: WebhookVariables;
}
