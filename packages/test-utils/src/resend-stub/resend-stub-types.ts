/** A message the stand-in accepted: what Resend would deliver. */
export interface ResendStubMessage {
  id: string;
  from: string;
  to: string[];
  subject: string;
  html: string | undefined;
  text: string | undefined;
  idempotencyKey: string | undefined;
  receivedAt: string;
}

/** One request as it arrived (the API key is not kept). */
export interface RecordedResendRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  contentType: string | undefined;
  hasBearerKey: boolean;
  body: unknown;
}

/**
 * What the next matching `POST /emails` meets: an error status with Resend's error body (nothing
 * is accepted), or `accept_then_hang` (the message is accepted and its idempotency key recorded,
 * then the response is held for `hangMs`, default until `close()`: a provider that times out
 * after accepting). `times` defaults to 1. With `idempotencyKey`, only requests carrying that key
 * match (tests sharing one stand-in then steer their own messages only).
 */
export type ResendStubRule = (
  | { status: 429 | 500 | 502 | 503 | 422; name?: string; times?: number }
  | { status: 'accept_then_hang'; hangMs?: number; times?: number }
) & { idempotencyKey?: string };

export interface StartResendStubOptions {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Also write each accepted message to `<dir>/<receivedAt>-<id>.json` (the local mailbox). */
  mailboxDir?: string;
  /** Clock for `receivedAt` and the 24-hour idempotency window. */
  now?: () => number;
}

export interface ResendStub {
  /** `http://host:port`: give it to the SDK as `baseUrl`, to the adapter as `RESEND_API_BASE`. */
  readonly url: string;
  /** Accepted messages, oldest first. */
  messages(): ResendStubMessage[];
  requests(): RecordedResendRequest[];
  addRule(rule: ResendStubRule): void;
  close(): Promise<void>;
}
