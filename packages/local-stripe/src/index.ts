export type { StripeStubAccountLink } from './api/account-links';
export type { StripeStubAccount, StripeStubCapabilityStatus } from './api/account-store';
export type { StripeStubBalance, StripeStubBalanceTransaction } from './api/balance-transactions';
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
export type { StripeStubPayout } from './api/pay-out-account';
export { StripeStubError } from './api/stripe-error';
export type { StripeStubTransfer, StripeStubTransferReversal } from './api/transfer-types';
export type { StripeStubConnectHooks } from './connect-stub-types';
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
