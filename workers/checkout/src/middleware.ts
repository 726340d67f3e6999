import {
  AccessService,
  BuyerService,
  CheckoutService,
  FulfillmentService,
  RefundService,
  ReviewService,
  SalesService,
} from '@codex/purchases';
import { lazyServices, requestServiceDependencies } from '@codex/worker-runtime';
import type { CheckoutEnv } from './context';

/** The `service` of every log line this worker writes. */
export const SERVICE = 'checkout';

/**
 * The services of `@codex/purchases`, each built on first use from the request's database and
 * Stripe client (`requestDatabase()`, `requestStripe()` run before it), so the pool is opened, and
 * closed after the response, only by requests that need it.
 */
export const purchaseServices = () =>
  lazyServices<CheckoutEnv>({
    checkout: (c) =>
      new CheckoutService({
        ...requestServiceDependencies(c),
        config: {
          webAppUrl: c.var.config.WEB_APP_URL,
          allowPromotionCodes: c.var.config.CHECKOUT_ALLOW_PROMOTION_CODES,
          allowFullyDiscounted: c.var.config.CHECKOUT_ALLOW_FULLY_DISCOUNTED,
          automaticTax: c.var.config.CHECKOUT_AUTOMATIC_TAX,
          taxBehavior: c.var.config.CHECKOUT_TAX_BEHAVIOR,
          reuseStripeCustomers: c.var.config.STRIPE_REUSE_CUSTOMERS,
        },
      }),
    access: (c) => new AccessService(requestServiceDependencies(c)),
    fulfillment: (c) => new FulfillmentService(requestServiceDependencies(c)),
    buyer: (c) => new BuyerService(requestServiceDependencies(c)),
    sales: (c) => new SalesService(requestServiceDependencies(c)),
    refunds: (c) => new RefundService(requestServiceDependencies(c)),
    review: (c) => new ReviewService(requestServiceDependencies(c)),
  });
