import type { Database } from '@codex/database';
import type { ObservabilityClient } from '@codex/observability';
import type { FulfillmentService, PurchaseService } from '@codex/purchases';
import type { CheckoutBindings, CheckoutConfig } from './env';

/** Per-request values middleware puts on the Hono context. */
export interface CheckoutVariables {
  requestId: string;
  logger: ObservabilityClient;
  config: CheckoutConfig;
  /** Set by buyer auth: the verified JWT `sub`. */
  customerId: string;
  /** Built on first use; the database pool it opens is closed when the request ends. */
  purchases: () => PurchaseService;
  /** Same lifetime as `purchases`. */
  fulfillment: () => FulfillmentService;
  database: () => Database;
}

export interface CheckoutEnv {
  Bindings: CheckoutBindings;
  Variables: CheckoutVariables;
}
