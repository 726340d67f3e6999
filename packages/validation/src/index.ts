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
export { instantSchema, withCreatedAtRange } from './created-at-range';
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
export {
  DEFAULT_PAGE_LIMIT,
  type ListQuery,
  listQuerySchema,
  MAX_CURSOR_LENGTH,
  MAX_PAGE_LIMIT,
} from './list-query';
export { currencyCodeSchema, MAX_PRICE_CENTS, priceCentsSchema } from './money';
