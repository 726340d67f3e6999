import { performance } from 'node:perf_hooks';
import type { StripeStubEvent } from '../api/event-store';
import { signWebhookPayload } from './sign-webhook-payload';

/** How failed attempts are retried: `firstDelayMs × 2^(attempt − 1)`, capped, no jitter. */
export interface WebhookRetryOptions {
  /** Wait after the first failed attempt. Default 1 000. */
  firstDelayMs?: number;
  /** Longest wait between two attempts. Default 60 000. */
  maxDelayMs?: number;
  /** Attempts per event, the first included, before giving up. Default 8. */
  maxAttempts?: number;
}

/** Options for {@link createWebhookDelivery}. */
export interface WebhookDeliveryOptions {
  /** The webhook endpoint every event is POSTed to (`http:` or `https:`). */
  endpoint: string;
  /** The endpoint's `whsec_…` signing secret, as the worker verifies it. */
  secret: string;
  /**
   * The event types this endpoint subscribed to (`'*'` for all, as at Stripe); the others are
   * neither sent nor logged. Default: every type.
   */
  enabledEvents?: ReadonlyArray<string>;
  /** Called once per delivered event (a 2xx answer), with its id. */
  onDelivered?: (eventId: string) => void;
  /** Receives one line per attempt; never the payload, the signature, the secret or a body. */
  log: (line: string) => void;
  retry?: WebhookRetryOptions;
  /** How long one attempt may take, answer body included. Default 10 000. */
  timeoutMs?: number;
  /** The clock the signatures are timestamped with, in ms since the epoch. Default `Date.now`. */
  nowMs?: () => number;
}

/** Sends events to one webhook endpoint as Stripe does; see {@link createWebhookDelivery}. */
export interface WebhookDelivery {
  /**
   * Queues `event` for delivery and returns at once; the first attempt starts on a later tick
   * (`setImmediate`). Never throws. A no-op for an unsubscribed type and after `stop()`.
   */
  deliver: (event: StripeStubEvent) => void;
  /** Resolves once no attempt is in flight or scheduled (at once if none is). */
  idle: () => Promise<void>;
  /**
   * Cancels every scheduled attempt (first attempts and retries: those events stay undelivered),
   * waits for the attempts in flight (bounded by `timeoutMs`) without retrying them, and turns
   * later `deliver` calls into no-ops. Idempotent; leaves no timer behind.
   */
  stop: () => Promise<void>;
}

const DEFAULT_FIRST_DELAY_MS = 1_000;
const DEFAULT_MAX_DELAY_MS = 60_000;
const DEFAULT_MAX_ATTEMPTS = 8;
const DEFAULT_TIMEOUT_MS = 10_000;
// setTimeout fires after 1 ms when given more than this (a 32-bit signed int), so it is the limit.
const MAX_TIMER_MS = 2_147_483_647;
const USER_AGENT = 'Stripe/1.0 (+https://stripe.com/docs/webhooks)';
const STAYS_UNDELIVERED = 'the event stays undelivered until reconciliation finds it';

interface ScheduledAttempt {
  cancel: () => void;
}

interface QueuedEvent {
  id: string;
  type: string;
  /** Serialised once, when queued: every attempt sends the same bytes, as Stripe does. */
  payload: string;
}

function assertPositiveInteger(name: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value) || value <= 0 || value > max) {
    throw new RangeError(`createWebhookDelivery: ${name} must be an integer from 1 to ${max}`);
  }
  return value;
}

/** `2 s`, `1.5 s`, `250 ms`: how long until the next attempt, for the log. */
function formatDelay(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : `${Number((ms / 1_000).toFixed(1))} s`;
}

/** Why an attempt got no answer, in words; error messages are not logged as they are. */
function describeFailure(error: unknown, timeoutMs: number): string {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  if (name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  // fetch rejects with `TypeError: fetch failed`; the system or undici error is its cause.
  const cause = error instanceof Error ? error.cause : undefined;
  const code =
    typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : '';
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection closed without an answer';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case '':
      return `request failed (${name || typeof error})`;
    default:
      return `request failed (${code})`;
  }
}

/**
 * Delivers Stripe events to one webhook endpoint as Stripe would: each event is POSTed as
 * pretty-printed JSON with a `Stripe-Signature` made freshly for every attempt (so the worker's
 * `constructEventAsync` accepts it within its tolerance), `redirect: 'manual'` (a 3xx is a
 * failure, as at Stripe). Only a 2xx answer delivers an event, then `onDelivered(event.id)` is
 * called once. A failure (another status, a network error, no answer within `timeoutMs`) is
 * retried after `firstDelayMs × 2^(attempt − 1)` ms, capped at `maxDelayMs`, until `maxAttempts`;
 * then the event is given up and stays undelivered, for reconciliation to find. Events are
 * delivered independently and concurrently, in no guaranteed order. Exactly one line per attempt
 * goes to `log` (plus one line from `stop()` when it cancels waiting events, one if `onDelivered`
 * throws, one for an event JSON cannot serialise, which is not sent); no line holds the payload,
 * the signature, the secret or a response body.
 *
 * @throws Error when `endpoint` is not an http(s) URL, `secret` is empty or `enabledEvents` is
 *   empty (nothing would ever be sent); RangeError when a delay, `maxAttempts` or `timeoutMs` is not
 *   a positive integer, or `maxDelayMs` is below `firstDelayMs`.
 */
export function createWebhookDelivery(options: WebhookDeliveryOptions): WebhookDelivery {
  const { endpoint, secret, enabledEvents, onDelivered, log, nowMs = Date.now } = options;
  if (!URL.canParse(endpoint) || !/^https?:$/.test(new URL(endpoint).protocol)) {
    throw new Error(`createWebhookDelivery: the endpoint must be an http(s) URL, not ${endpoint}`);
  }
  if (secret === '') throw new Error('createWebhookDelivery: the signing secret is empty');
  if (enabledEvents?.length === 0) {
    throw new Error('createWebhookDelivery: enabledEvents is empty; omit it to send every type');
  }
  const firstDelayMs = assertPositiveInteger(
    'retry.firstDelayMs',
    options.retry?.firstDelayMs ?? DEFAULT_FIRST_DELAY_MS,
    MAX_TIMER_MS,
  );
  const maxDelayMs = assertPositiveInteger(
    'retry.maxDelayMs',
    options.retry?.maxDelayMs ?? DEFAULT_MAX_DELAY_MS,
    MAX_TIMER_MS,
  );
  if (maxDelayMs < firstDelayMs) {
    throw new RangeError('createWebhookDelivery: retry.maxDelayMs is below retry.firstDelayMs');
  }
  const maxAttempts = assertPositiveInteger(
    'retry.maxAttempts',
    options.retry?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
  );
  const timeoutMs = assertPositiveInteger(
    'timeoutMs',
    options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    MAX_TIMER_MS,
  );
  const isSubscribed = (type: string) =>
    enabledEvents === undefined || enabledEvents.includes('*') || enabledEvents.includes(type);

  let isStopped = false;
  const scheduled = new Set<ScheduledAttempt>();
  const inFlight = new Set<Promise<void>>();
  let idleWaiters: Array<() => void> = [];

  const settleIfIdle = () => {
    if (scheduled.size > 0 || inFlight.size > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const idle = () =>
    scheduled.size === 0 && inFlight.size === 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => idleWaiters.push(resolve));

  function schedule(event: QueuedEvent, attempt: number, delayMs: number): void {
    const entry: ScheduledAttempt = { cancel: () => {} };
    const run = () => {
      scheduled.delete(entry);
      const running: Promise<void> = sendAttempt(event, attempt).finally(() => {
        inFlight.delete(running);
        settleIfIdle();
      });
      inFlight.add(running);
    };
    if (attempt === 1) {
      const immediate = setImmediate(run);
      entry.cancel = () => clearImmediate(immediate);
    } else {
      const timer = setTimeout(run, delayMs);
      entry.cancel = () => clearTimeout(timer);
    }
    scheduled.add(entry);
  }

  async function sendAttempt(event: QueuedEvent, attempt: number): Promise<void> {
    const started = performance.now();
    let outcome: string;
    let isDelivered = false;
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'User-Agent': USER_AGENT,
          // Signed now, not when queued: Stripe re-signs every retry, so none is stale on arrival.
          'Stripe-Signature': signWebhookPayload({
            payload: event.payload,
            secret,
            timestampSeconds: Math.floor(nowMs() / 1_000),
          }),
        },
        body: event.payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      // Only the status counts, as at Stripe: the body is read (so the connection can be reused)
      // and discarded, and a body cut short does not undo an answer already given.
      await response.arrayBuffer().catch(() => undefined);
      isDelivered = response.status >= 200 && response.status < 300;
      outcome = `${response.status} in ${Math.round(performance.now() - started)} ms`;
    } catch (error) {
      outcome = describeFailure(error, timeoutMs);
    }

    const line = `webhook ${event.id} ${event.type} → ${outcome}`;
    if (isDelivered) {
      log(`${line} (attempt ${attempt})`);
      try {
        onDelivered?.(event.id);
      } catch (error) {
        log(
          `webhook ${event.id}: onDelivered threw ${error instanceof Error ? error.name : typeof error}`,
        );
      }
      return;
    }
    const of = `(attempt ${attempt} of ${maxAttempts})`;
    if (isStopped) {
      log(`${line} ${of}, not retried as delivery stopped: ${STAYS_UNDELIVERED}`);
    } else if (attempt >= maxAttempts) {
      log(`${line} ${of}, giving up: ${STAYS_UNDELIVERED}`);
    } else {
      const delayMs = Math.min(firstDelayMs * 2 ** (attempt - 1), maxDelayMs);
      schedule(event, attempt + 1, delayMs);
      log(`${line} ${of}, retrying in ${formatDelay(delayMs)}`);
    }
  }

  return {
    deliver(event) {
      if (isStopped || !isSubscribed(event.type)) return;
      let payload: string;
      try {
        // Pretty-printed, as Stripe sends it: the receiver must verify the bytes, not a re-parse.
        payload = JSON.stringify(event, null, 2);
      } catch (error) {
        log(
          `webhook ${event.id} ${event.type} → not sent: not serialisable as JSON (${error instanceof Error ? error.name : typeof error})`,
        );
        return;
      }
      schedule({ id: event.id, type: event.type, payload }, 1, 0);
    },
    idle,
    async stop() {
      if (!isStopped) {
        isStopped = true;
        const cancelled = scheduled.size;
        for (const entry of scheduled) entry.cancel();
        scheduled.clear();
        if (cancelled > 0) {
          log(
            `webhook delivery stopped with ${cancelled} event${cancelled === 1 ? '' : 's'} waiting for an attempt: they stay undelivered until reconciliation finds them`,
          );
        }
        settleIfIdle();
      }
      await idle();
    },
  };
}
