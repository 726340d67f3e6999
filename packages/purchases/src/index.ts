export { createStripeClient, type StripeClientOptions } from './create-stripe-client';
export {
  isPurchaseError,
  PurchaseError,
  type PurchaseErrorCode,
  purchaseErrorCodes,
} from './purchase-error';
export {
  type CheckoutResult,
  PurchaseService,
  type PurchaseServiceConfig,
  type PurchaseServiceDependencies,
} from './purchase-service';
