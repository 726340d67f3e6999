import type { FulfillmentService, PayoutService } from '@codex/purchases';
import type { WorkerVariables } from '@codex/worker-runtime';
import type { WebhookBindings, WebhookConfig } from './env';

/** Per-request values middleware puts on the Hono context. */
export interface WebhookVariables extends WorkerVariables<WebhookConfig> {
  /** Built on first use, on `database()` and `stripe()`. */
  fulfillment: () => FulfillmentService;
  /** Built on first use, on `database()` and `stripe()`: settles sales' payouts. */
  payouts: () => PayoutService;
}

export interface WebhookEnv {
  Bindings: WebhookBindings;
  Variables: WebhookVariables;
}
