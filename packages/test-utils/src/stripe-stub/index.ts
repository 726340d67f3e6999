export type { TaxBehavior as StripeStubTaxBehavior } from './compute-session-totals';
export type {
  StripeStubCheckoutSession,
  StripeStubCustomerDetails,
  StripeStubLineItem,
} from './create-checkout-session';
export type { StripeStubPayment } from './create-stub-state';
export type { StripeStubCustomer } from './customer-store';
export type { StripeStubEvent } from './event-store';
export type {
  StripeStubCharge,
  StripeStubDispute,
  StripeStubDisputeStatus,
  StripeStubDisputeUpdate,
  StripeStubPaymentIntent,
  StripeStubRefund,
  StripeStubRefundStatus,
} from './money-types';
export {
  type CreateRefundOptions,
  type OpenDisputeOptions,
  type PayCheckoutSessionOptions,
  type RecordedStripeRequest,
  type StartStripeStubOptions,
  type StripeStub,
  type StripeStubPromotionCode,
  type StripeStubRefundUpdate,
  type StripeStubRule,
  type StripeStubRuleResponse,
  type StubPageRequest,
  type StubPageResponse,
  startStripeStub,
} from './start-stripe-stub';
export { StripeStubError } from './stripe-error';
