export {
  type ApiErrorCode,
  type ApiErrorDefinition,
  type ApiErrorStatus,
  apiErrorCodes,
  apiErrorStatus,
  apiErrors,
  type DomainErrorCode,
  domainErrorCodes,
  renderApiErrorTable,
} from './api-errors';
export {
  type AccessManyBody,
  accessManyBodySchema,
  DEFAULT_PAGE_LIMIT,
  type ListQuery,
  listQuerySchema,
  MAX_ACCESS_CHECK_IDS,
  MAX_CURSOR_LENGTH,
  MAX_PAGE_LIMIT,
  type PurchaseIdParams,
  purchaseIdParamsSchema,
} from './buyer-queries';
export {
  type CheckoutSessionParams,
  type ContentAccessParams,
  type CreateCheckoutInput,
  checkoutSessionParamsSchema,
  contentAccessParamsSchema,
  createCheckoutSchema,
} from './checkout';
export { buyerEmailSchema } from './email';
export { formatValidationIssues, type ValidationIssue } from './format-validation-issues';
export {
  type CustomerId,
  contentIdSchema,
  customerIdSchema,
  organizationIdSchema,
  purchaseIdSchema,
  stripeCheckoutSessionIdSchema,
  stripeEventIdSchema,
  stripePaymentIntentIdSchema,
  type Uuid,
  uuidSchema,
} from './ids';
export { currencyCodeSchema, MAX_PRICE_CENTS, priceCentsSchema } from './money';
export {
  type CreateRefundInput,
  createRefundSchema,
  idempotencyKeySchema,
  MAX_REFUND_NOTE_LENGTH,
  type OrganizationPurchaseParams,
  organizationPurchaseParamsSchema,
  type RefundReasonInput,
  refundReasons,
} from './refunds';
export {
  buyerPurchaseStatuses,
  type OrganizationParams,
  organizationParamsSchema,
  type SalesExportQuery,
  type SalesQuery,
  type SalesSummaryQuery,
  salesExportQuerySchema,
  salesQuerySchema,
  salesSummaryQuerySchema,
} from './sales-queries';
