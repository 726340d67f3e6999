export type {
  StripeStubCheckoutSession,
  StripeStubCustomerDetails,
  StripeStubLineItem,
} from './api/checkout-session-types';
export type { TaxBehavior as StripeStubTaxBehavior } from './api/compute-session-totals';
export type { StripeStubCoupon } from './api/coupon-store';
export type { StripeStubCustomer } from './api/customer-store';
export type { StripeStubEvent } from './api/event-store';
export type { StripeStubPayment } from './api/list-payments';
export type {
  StripeStubCharge,
  StripeStubDispute,
  StripeStubDisputeStatus,
  StripeStubDisputeUpdate,
  StripeStubPaymentIntent,
  StripeStubRefund,
  StripeStubRefundStatus,
} from './api/money-types';
export { StripeStubError } from './api/stripe-error';
export {
  type LocalStripe,
  type StartLocalStripeOptions,
  startLocalStripe,
} from './start-local-stripe';
export {
  type CreateRefundOptions,
  type OpenDisputeOptions,
  type PayCheckoutSessionOptions,
  type RecordedStripeRequest,
  type StartStripeStubOptions,
  type StripeStub,
  type StripeStubAddress,
  type StripeStubPromotionCode,
  type StripeStubPromotionCodeObject,
  type StripeStubPromotionCodeSpec,
  type StripeStubRefundUpdate,
  type StripeStubRule,
  type StripeStubRuleResponse,
  type StubPageRequest,
  type StubPageResponse,
  startStripeStub,
} from './start-stripe-stub';
