export { AccessService, type AccessServiceDependencies } from './access-service';
export type { BuyerPurchase } from './buyer/buyer-purchase';
export type { LibraryItem } from './buyer/list-library';
export type { Page } from './buyer/page-cursor';
export type { PageOptions } from './buyer/page-options';
export { BuyerService, type BuyerServiceDependencies } from './buyer-service';
export type {
  CheckoutServiceConfig,
  CheckoutServiceDependencies,
  PlatformFeeTerms,
} from './checkout/checkout-context';
export {
  type CheckoutBuyer,
  type CheckoutSessionParamsOptions,
  checkoutSessionIdempotencyKey,
  checkoutSessionParams,
} from './checkout/checkout-session-params';
export type { CheckoutOptions, CheckoutResult } from './checkout/create-checkout-session';
export { CheckoutService } from './checkout-service';
export type { CheckoutConfirmation } from './fulfillment/confirm-checkout-session';
export type { FulfillmentResult, StripeEventOutcome } from './fulfillment/context';
export type { ReconcileOptions, ReconciliationSummary } from './fulfillment/reconcile';
export type { ReplayOptions, ReplaySummary } from './fulfillment/replay-rejected-events';
export type { StopReason } from './fulfillment/run-budget';
export {
  type CheckoutSessionSnapshot,
  type HandledStripeEventType,
  handledStripeEventTypes,
  parseStripeEvent,
} from './fulfillment/stripe-events';
export { FulfillmentService, type FulfillmentServiceDependencies } from './fulfillment-service';
export {
  DEFAULT_MAX_ATTEMPTS,
  type DeadOutboxMessage,
  EmailOutbox,
  type EmailOutboxDependencies,
  type OutboxDeliveryOutcome,
} from './outbox/email-outbox';
export { findQueueableOutboxMessagesOf } from './outbox/find-queueable-outbox-messages';
export { findStripeReceiptUrl } from './outbox/find-stripe-receipt-url';
export {
  type EmailQueue,
  type EmailQueueMessage,
  type QueueOutboxMessagesOfOptions,
  queueOutboxMessagesOf,
  sendOutboxIds,
} from './outbox/queue-outbox-messages';
export {
  EARNINGS_EXPORT_PAGE_SIZE,
  PayoutService,
  type PayoutServiceDependencies,
} from './payout-service';
export type { EarningsLine, EarningsStatus, EarningsTotals } from './payouts/earnings';
export type { OnboardingLink, PayoutStatus } from './payouts/onboarding';
export { setOrganizationPlatformFee } from './payouts/onboarding';
export type {
  ConnectEventOutcome,
  PayoutReconciliationSummary,
  SettlementCounts,
} from './payouts/settle-payouts';
export type { SaleSettlement } from './payouts/settle-sale-payout';
export {
  isPurchaseError,
  PurchaseError,
  type PurchaseErrorCode,
  purchaseErrorCodes,
} from './purchase-error';
export { RefundService, type RefundServiceDependencies } from './refund-service';
export type { IssuedRefundAnswer, RefundRequestInput } from './refunds/issue-refund';
export type {
  ReviewActionRecord,
  ReviewItem,
  ReviewPurchase,
  ReviewQueueState,
} from './review/list-review-queue';
export type { ReviewActionAnswer } from './review/resolve-flag';
export type { ReviewActionInput } from './review/review-action-store';
export { actionsByKind, type SuggestedRemedy } from './review/review-remedies';
export { ReviewService, type ReviewServiceDependencies } from './review-service';
export { SALES_EXPORT_PAGE_SIZE } from './sales/list-sales';
export type { Sale } from './sales/sale';
export type { SalesFilters } from './sales/sales-filters';
export type {
  DailySalesTotals,
  SalesSummary,
  SalesSummaryRange,
  SalesTotals,
} from './sales/summarize-sales';
export { SalesService, type SalesServiceDependencies } from './sales-service';
export { queryAsStaff, type StaffCaller, staffStatement } from './staff/query-as-staff';
