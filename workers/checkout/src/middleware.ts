import {
  BuyerService,
  FulfillmentService,
  PurchaseService,
  RefundService,
  SalesService,
} from '@codex/purchases';
import type { MiddlewareHandler } from 'hono';
import type { CheckoutEnv } from './context';

/** The `service` of every log line this worker writes. */
export const SERVICE = 'checkout';

/**
 * Makes the purchase and fulfillment services available to handlers, each built on first use from
 * the request's database and Stripe client (`requestDatabase()`, `requestStripe()` run before it),
 * so the pool is opened, and closed after the response, only by requests that need it.
 */
export const purchaseServices = (): MiddlewareHandler<CheckoutEnv> =>
  async function purchaseServices(c, next) {
    let purchases: PurchaseService | undefined;
    let fulfillment: FulfillmentService | undefined;
    let buyer: BuyerService | undefined;
    let sales: SalesService | undefined;
    let refunds: RefundService | undefined;
    c.set('purchases', () => {
      purchases ??= new PurchaseService({
        db: c.var.database(),
        http: c.var.httpDatabase(),
        stripe: c.var.stripe(),
        logger: c.var.logger,
        config: {
          webAppUrl: c.var.config.WEB_APP_URL,
          allowPromotionCodes: c.var.config.CHECKOUT_ALLOW_PROMOTION_CODES,
          allowFullyDiscounted: c.var.config.CHECKOUT_ALLOW_FULLY_DISCOUNTED,
          automaticTax: c.var.config.CHECKOUT_AUTOMATIC_TAX,
          taxBehavior: c.var.config.CHECKOUT_TAX_BEHAVIOR,
          reuseStripeCustomers: c.var.config.STRIPE_REUSE_CUSTOMERS,
        },
      });
      return purchases;
    });
    c.set('fulfillment', () => {
      fulfillment ??= new FulfillmentService({
        db: c.var.database(),
        http: c.var.httpDatabase(),
        stripe: c.var.stripe(),
        logger: c.var.logger,
      });
      return fulfillment;
    });
    c.set('buyer', () => {
      buyer ??= new BuyerService({ db: c.var.database(), http: c.var.httpDatabase() });
      return buyer;
    });
    c.set('sales', () => {
      sales ??= new SalesService({ db: c.var.database(), http: c.var.httpDatabase() });
      return sales;
    });
    c.set('refunds', () => {
      refunds ??= new RefundService({
        db: c.var.database(),
        http: c.var.httpDatabase(),
        stripe: c.var.stripe(),
        logger: c.var.logger,
      });
      return refunds;
    });
    await next();
  };
