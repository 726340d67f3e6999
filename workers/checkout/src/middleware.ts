import {
  AccessService,
  BuyerService,
  CheckoutService,
  FulfillmentService,
  PayoutService,
  type PlatformFeeTerms,
  RefundService,
  ReviewService,
  SalesService,
} from '@codex/purchases';
import { lazyServices, requestServiceDependencies } from '@codex/worker-runtime';
import type { CheckoutEnv } from './context';
import type { CheckoutConfig } from './env';

/** The platform's default fee as the services take it, from `PLATFORM_FEE_*`. */
function platformFee(config: CheckoutConfig): PlatformFeeTerms {
  return {
    basisPoints: config.PLATFORM_FEE_BASIS_POINTS,
    fixedCents: config.PLATFORM_FEE_FIXED_CENTS,
  };
}

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
          platformFee: platformFee(c.var.config),
        },
      }),
    access: (c) => new AccessService(requestServiceDependencies(c)),
    fulfillment: (c) => new FulfillmentService(requestServiceDependencies(c)),
    buyer: (c) => new BuyerService(requestServiceDependencies(c)),
    sales: (c) => new SalesService(requestServiceDependencies(c)),
    refunds: (c) => new RefundService(requestServiceDependencies(c)),
    review: (c) => new ReviewService(requestServiceDependencies(c)),
    payouts: (c) =>
      new PayoutService({
        ...requestServiceDependencies(c),
        webAppUrl: c.var.config.WEB_APP_URL,
        platformFee: platformFee(c.var.config),
      }),
  });
