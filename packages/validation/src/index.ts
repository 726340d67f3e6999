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
