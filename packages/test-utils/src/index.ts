export {
  type CreateTestDatabaseOptions,
  createTestDatabase,
  type TestDatabase,
} from './create-test-database';
export {
  type CreateTestContentOptions,
  type CreateTestOrganizationOptions,
  createTestContent,
  createTestOrganization,
  createTestUser,
} from './factories';
export { nodeWebSocket } from './node-websocket';
export { explainPlan, type SeedPurchaseVolumeOptions, seedPurchaseVolume } from './query-plans';
export {
  type RecordedResendRequest,
  type ResendStub,
  type ResendStubMessage,
  type ResendStubRule,
  type StartResendStubOptions,
  startResendStub,
} from './resend-stub';
export {
  type CreateRefundOptions,
  type OpenDisputeOptions,
  type PayCheckoutSessionOptions,
  type RecordedStripeRequest,
  type StartStripeStubOptions,
  type StripeStub,
  type StripeStubCharge,
  type StripeStubCheckoutSession,
  type StripeStubCustomer,
  type StripeStubCustomerDetails,
  type StripeStubDispute,
  type StripeStubDisputeStatus,
  type StripeStubDisputeUpdate,
  StripeStubError,
  type StripeStubEvent,
  type StripeStubLineItem,
  type StripeStubPayment,
  type StripeStubPaymentIntent,
  type StripeStubPromotionCode,
  type StripeStubRefund,
  type StripeStubRefundStatus,
  type StripeStubRefundUpdate,
  type StripeStubRule,
  type StripeStubRuleResponse,
  type StripeStubTaxBehavior,
  type StubPageRequest,
  type StubPageResponse,
  startStripeStub,
} from './stripe-stub';
export {
  isServerRequired,
  readServerUrl,
  type TestDatabaseConfig,
  TestDatabaseEnv,
} from './test-database-config';
