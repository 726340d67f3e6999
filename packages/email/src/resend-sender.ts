import type { EmailMessage, EmailSender, SendOptions, SendResult } from './email-sender';

/** Resend's API, unless `RESEND_API_BASE` names a stand-in (the local mailbox under `pnpm dev`). */
export const RESEND_DEFAULT_API_BASE = 'https://api.resend.com';

// Longer than Resend's usual answer, short enough that a queue consumer retries within its own
// time limit. A send that times out may have been accepted: the retry's idempotency key settles it.
const DEFAULT_TIMEOUT_MS = 10_000;
// Resend refuses longer keys (`invalid_idempotency_key`).
const MAX_IDEMPOTENCY_KEY_LENGTH = 256;

export interface ResendSenderOptions {
  /** `RESEND_API_KEY` (`re_…`). */
  apiKey: string;
  /** `RESEND_API_BASE`; default {@link RESEND_DEFAULT_API_BASE}. */
  apiBase?: string | undefined;
  /** Per-request timeout; default 10 s. */
  timeoutMs?: number;
  /** Injected for tests; default the global `fetch` (Workers and Node alike). */
  fetch?: typeof fetch;
}

/**
 * An {@link EmailSender} over Resend's HTTP API: `POST {apiBase}/emails` with the API key as a
 * bearer token and the `Idempotency-Key` header. Resend keeps a key for 24 hours: the same key with
 * the same body answers the first response again (no second e-mail); with another body, 409
 * `invalid_idempotent_request`; while the first is still in progress, 409
 * `concurrent_idempotent_requests`. Classification: 2xx sent; 429, 5xx, 409 concurrent, timeouts
 * and network errors retryable; any other 4xx (422 validation, 401/403 key, 409 key reuse)
 * permanent. Throws at construction without an API key or with an invalid base URL.
 */
export function createResendSender(options: ResendSenderOptions): EmailSender {
  if (!options.apiKey) throw new Error('createResendSender: RESEND_API_KEY is required');
  const endpoint = new URL('emails', withTrailingSlash(options.apiBase ?? RESEND_DEFAULT_API_BASE));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const send = options.fetch ?? ((input, init) => fetch(input, init));

  return {
    async send(message: EmailMessage, { idempotencyKey }: SendOptions): Promise<SendResult> {
      if (!idempotencyKey || idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
        return { status: 'failed', retryable: false, code: 'invalid_idempotency_key' };
      }
      let response: Response;
      try {
        response = await send(endpoint, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${options.apiKey}`,
            'Content-Type': 'application/json',
            'Idempotency-Key': idempotencyKey,
          },
          body: JSON.stringify({
            from: message.from,
            to: [message.to],
            subject: message.subject,
            html: message.html,
            text: message.text,
          }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const timedOut = error instanceof Error && error.name === 'TimeoutError';
        return { status: 'failed', retryable: true, code: timedOut ? 'timeout' : 'network_error' };
      }
      const body = await response.json().catch(() => undefined);
      if (response.ok) {
        const id = isRecord(body) && typeof body.id === 'string' ? body.id : undefined;
        if (id) return { status: 'sent', providerMessageId: id };
        return { status: 'failed', retryable: true, code: `http_${response.status}_no_id` };
      }
      // Resend's error body: { statusCode, name, message }. Only `name` is kept: the message can
      // quote the address it refused.
      const name = isRecord(body) && typeof body.name === 'string' ? body.name : 'unknown_error';
      return {
        status: 'failed',
        retryable: isRetryable(response.status, name),
        code: `http_${response.status}:${name.replace(/[^a-z0-9_]/gi, '').slice(0, 64)}`,
      };
    },
  };
}

function isRetryable(status: number, name: string): boolean {
  if (status === 429 || status >= 500) return true;
  return status === 409 && name === 'concurrent_idempotent_requests';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function withTrailingSlash(base: string): string {
  return base.endsWith('/') ? base : `${base}/`;
}
