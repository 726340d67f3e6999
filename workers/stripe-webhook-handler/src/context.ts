import type { ObservabilityClient } from '@codex/observability';
import type { FulfillmentService } from '@codex/purchases';
import type Stripe from 'stripe';
import type { WebhookBindings, WebhookConfig } from './env';

/** Per-request values middleware puts on the Hono context. */
export interface WebhookVariables {
  requestId: string;
  logger: ObservabilityClient;
  config: WebhookConfig;
  /** The Stripe client, built on first use (no network until a call is made). */
  /** Undefined when no STRIPE_SECRET_KEY is configured (webhooks still verify and apply). */
  stripe: () => Stripe | undefined;
  /** Built on first use; the database pool it opens is closed when the request ends. */
  fulfillment: () => FulfillmentService;
}

export interface WebhookEnv {
  Bindings: WebhookBindings;
  Variables: WebhookVariables;
}
