import type { Database } from '@codex/database';
import type { ObservabilityClient } from '@codex/observability';
import type { FulfillmentService, PurchaseService } from '@codex/purchases';
import type Stripe from 'stripe';
import type { CheckoutBindings, CheckoutConfig } from './env';

/** Per-request values middleware puts on the Hono context. */
export interface CheckoutVariables {
  requestId: string;
  logger: ObservabilityClient;
  config: CheckoutConfig;
  /** Set by buyer auth: the verified JWT `sub`. */
  customerId: string;
  /** Opened on first use; the pool is closed when the request ends (`requestDatabase`). */
  database: () => Database;
  /** Built on first use; undefined when no STRIPE_SECRET_KEY is configured (`requestStripe`). */
  stripe: () => Stripe | undefined;
  /** Built on first use, on `database()` and `stripe()`. */
  purchases: () => PurchaseService;
  /** Same lifetime as `purchases`. */
  fulfillment: () => FulfillmentService;
}

export interface CheckoutEnv {
  Bindings: CheckoutBindings;
  Variables: CheckoutVariables;
}
