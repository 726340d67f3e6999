/** One e-mail, ready to send. */
export interface EmailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** How one send is made. */
export interface SendOptions {
  /**
   * The provider's idempotency key: every attempt to send one message uses the same key, so a
   * retry after a timeout (the provider may have accepted the first) is still one e-mail.
   */
  idempotencyKey: string;
}

/**
 * What one send did. `retryable` failures may succeed later (rate limit, provider error, timeout,
 * network); the others never will as they are (a refused address, a bad key, an idempotency key
 * reused with another message). `code` is short and safe to store and log: it never holds the
 * address or the message.
 */
export type SendResult =
  | { status: 'sent'; providerMessageId: string }
  | { status: 'failed'; retryable: boolean; code: string };

/** Sends e-mail through a provider. Never throws for a provider or network failure. */
export interface EmailSender {
  send(message: EmailMessage, options: SendOptions): Promise<SendResult>;
}
