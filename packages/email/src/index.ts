export type { EmailMessage, EmailSender, SendOptions, SendResult } from './email-sender';
export {
  type AccessRestoredDetails,
  type AccessRevokedDetails,
  escapeHtml,
  type PurchaseConfirmationDetails,
  type RefundReceiptDetails,
  type RenderedEmail,
  renderAccessRestored,
  renderAccessRevoked,
  renderPurchaseConfirmation,
  renderRefundReceipt,
} from './render-email';
export {
  createResendSender,
  RESEND_DEFAULT_API_BASE,
  type ResendSenderOptions,
} from './resend-sender';
