import type Stripe from 'stripe';

/** Why a reconciliation run stopped. */
export type StopReason = 'done' | 'stripe_call_budget' | 'time_budget' | 'stripe_unavailable';

// A degraded Stripe must not hold one run for minutes: after this many failures in a row the run
// stops and the next one resumes where it stopped.
const MAX_CONSECUTIVE_FAILURES = 3;

/**
 * The limits of one reconciliation run: Stripe calls (every request the SDK sends, retries
 * included, is a subrequest of the Worker invocation) and wall-clock time. Counts the calls by
 * listening to the client's `request` events, so it cannot drift from what was really sent.
 */
export class RunBudget {
  readonly #stripeCallLimit: number;
  readonly #deadline: number;
  readonly #clock: () => Date;
  readonly #stripe: Stripe;
  readonly #onRequest = () => {
    this.stripeCalls++;
  };
  #consecutiveFailures = 0;
  stripeCalls = 0;

  constructor(options: { stripe: Stripe; stripeCalls: number; timeMs: number; clock: () => Date }) {
    this.#stripe = options.stripe;
    this.#stripeCallLimit = options.stripeCalls;
    this.#clock = options.clock;
    this.#deadline = options.clock().getTime() + options.timeMs;
    this.#stripe.on('request', this.#onRequest);
  }

  /** Undefined while a step that may make `calls` Stripe calls (up to `cap` in all) may start; else why not. */
  refusal(calls: number, cap = this.#stripeCallLimit): StopReason | undefined {
    if (this.#consecutiveFailures >= MAX_CONSECUTIVE_FAILURES) return 'stripe_unavailable';
    if (this.#clock().getTime() >= this.#deadline) return 'time_budget';
    if (this.stripeCalls + calls > Math.min(cap, this.#stripeCallLimit))
      return 'stripe_call_budget';
    return undefined;
  }

  /** Stripe calls left in the budget. */
  get remaining(): number {
    return Math.max(this.#stripeCallLimit - this.stripeCalls, 0);
  }

  /** Half the call budget (rounded down), for a phase that must leave room for the next. */
  get half(): number {
    return Math.floor(this.#stripeCallLimit / 2);
  }

  succeeded(): void {
    this.#consecutiveFailures = 0;
  }

  failed(): void {
    this.#consecutiveFailures++;
  }

  /** Stops counting (the client may outlive the run). */
  close(): void {
    this.#stripe.off('request', this.#onRequest);
  }
}
