import type { FulfillmentService } from '@codex/purchases';
import type { WorkerVariables } from '@codex/worker-runtime';
import type { WebhookBindings, WebhookConfig } from './env';

/** Per-request values middleware puts on the Hono context. */
export interface WebhookVariables extends WorkerVariables<WebhookConfig> {
  /** Built on first use, on `database()` and `stripe()`. */
  fulfillment: () => FulfillmentService;
}

export interface WebhookEnv {
  Bindings: WebhookBindings;
  Variables: WebhookVariables;
}
