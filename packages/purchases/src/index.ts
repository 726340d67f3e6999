export {
  grantsAccess,
  isAccessRevokingRefund,
  nextDisputeStatus,
  REFUND_FRACTION_THAT_REVOKES_ACCESS,
} from './access-policy';
export { createStripeClient, type StripeClientOptions } from './create-stripe-client';
export {
  type CheckoutSessionSnapshot,
  type FulfillmentResult,
  FulfillmentService,
  type FulfillmentServiceDependencies,
  handledStripeEventTypes,
  type ReconcileOptions,
  type ReconciliationSummary,
  type StripeEventOutcome,
} from './fulfillment-service';
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
