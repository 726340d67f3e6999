/** What a call answered in the end, and every status on the way there (0: no answer). */
export interface RetriedAnswer {
  status: number;
  body: unknown;
  statuses: number[];
}

export interface CallWithRetryOptions {
  /** Give up retrying after this long (the last answer is then returned). */
  deadlineMs: number;
  /** First pause between attempts, doubling up to 2 s. Default 200 ms. */
  retryBaseMs?: number;
}

const MAX_PAUSE_MS = 2_000;
const ATTEMPT_TIMEOUT_MS = 20_000;

/**
 * Calls `url` until it answers something other than 5xx, 429 or nothing at all (a network error or
 * a timeout), or `deadlineMs` has passed: what a client does while the database is down or Stripe
 * fails. The request is rebuilt for each attempt (`init()`), so a header like `Idempotency-Key`
 * stays while a body stream does not run dry.
 */
export async function callWithRetry(
  url: string,
  init: () => RequestInit,
  options: CallWithRetryOptions,
): Promise<RetriedAnswer> {
  const deadline = Date.now() + options.deadlineMs;
  const statuses: number[] = [];
  let pauseMs = options.retryBaseMs ?? 200;
  for (;;) {
    const answer = await fetch(url, { ...init(), signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS) })
      .then(async (response) => ({
        status: response.status,
        body: await response.json().catch(() => undefined),
      }))
      .catch(() => ({ status: 0, body: undefined }));
    statuses.push(answer.status);
    const retryable = answer.status === 0 || answer.status === 429 || answer.status >= 500;
    if (!retryable || Date.now() + pauseMs > deadline) return { ...answer, statuses };
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    pauseMs = Math.min(pauseMs * 2, MAX_PAUSE_MS);
  }
}
