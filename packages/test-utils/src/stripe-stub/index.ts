export type { StripeStubCheckoutSession } from './create-checkout-session';
export {
  type RecordedStripeRequest,
  type StartStripeStubOptions,
  type StripeStub,
  type StripeStubRule,
  type StripeStubRuleResponse,
  startStripeStub,
} from './start-stripe-stub';
