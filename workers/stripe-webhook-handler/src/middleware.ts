import { FulfillmentService, PayoutService } from '@codex/purchases';
import { lazyServices, requestServiceDependencies } from '@codex/worker-runtime';
import type { WebhookEnv } from './context';

/** The `service` of every log line this worker writes. */
export const SERVICE = 'stripe-webhook-handler';

/**
 * Makes the fulfillment and payout services available to handlers, built on first use from the request's
 * database and Stripe client (`requestDatabase()`, `requestStripe()` run before it). The database
 * is opened only when the service is first asked for, so a request refused before that (e.g. on
 * its signature) never connects.
 */
export const fulfillmentServices = () =>
  lazyServices<WebhookEnv>({
    fulfillment: (c) => new FulfillmentService(requestServiceDependencies(c)),
    payouts: (c) => new PayoutService(requestServiceDependencies(c)),
  });
