import type { Database, HttpDatabase } from '@codex/database';
import type { ObservabilityClient } from '@codex/observability';
import type Stripe from 'stripe';
import { fulfillCheckout } from './fulfillment/checkout-sessions';
import {
  type CheckoutConfirmation,
  confirmCheckoutSession,
} from './fulfillment/confirm-checkout-session';
import {
  type FulfillmentContext,
  type FulfillmentResult,
  logOutcome,
  type StripeEventOutcome,
} from './fulfillment/context';
import { handleStripeEvent } from './fulfillment/handle-stripe-event';
import {
  type ReconcileOptions,
  type ReconciliationSummary,
  reconcile,
} from './fulfillment/reconcile';
import {
  type ReplayOptions,
  type ReplaySummary,
  replayRejectedEvents,
} from './fulfillment/replay-rejected-events';
import type { CheckoutSessionSnapshot } from './fulfillment/stripe-events';

export interface FulfillmentServiceDependencies {
  /** The WebSocket pool: interactive transactions (the careful paths). Connects on first use. */
  db: Database;
  /** SQL over HTTP for the one-statement webhook (completion, duplicate). Without it: `db`. */
  http?: HttpDatabase | undefined;
  /**
   * Undefined without a Stripe key: checkout events still apply; the success page answers
   * `PAYMENT_PROVIDER_NOT_CONFIGURED`; refunds, disputes and reconciliation, which must read
   * Stripe, throw (the webhook answers 5xx and Stripe redelivers once the key is set).
   */
  stripe: Stripe | undefined;
  logger: ObservabilityClient;
  clock?: () => Date;
}

/**
 * Turns Stripe's view of a payment into purchase state, exactly once, whatever triggers it: a
 * webhook, the success page, or reconciliation. Each concern is a file of `./fulfillment/`:
 * `stripe-events.ts` (what each handled event must carry), `event-handlers.ts` (the table from
 * event type to handler), `checkout-sessions.ts` (completion and failure), `money-state.ts`
 * (refunds and disputes by Stripe id, forward-only), `confirm-checkout-session.ts` (the success
 * page) and `reconcile.ts` (the safety net).
 */
export class FulfillmentService {
  readonly #ctx: FulfillmentContext;

  constructor(dependencies: FulfillmentServiceDependencies) {
    this.#ctx = {
      db: dependencies.db,
      hot: dependencies.http ?? dependencies.db,
      stripe: dependencies.stripe,
      logger: dependencies.logger,
      clock: dependencies.clock ?? (() => new Date()),
    };
  }

  /** See `handleStripeEvent` in `./fulfillment/handle-stripe-event.ts`. `event` is the verified, parsed JSON. */
  handleStripeEvent(event: unknown): Promise<StripeEventOutcome> {
    return handleStripeEvent(this.#ctx, event);
  }

  /**
   * The packet's integration point: completes the purchase behind a `checkout.session.completed`
   * session if it is paid and matches what was sold. Idempotent; see `FulfillmentResult`.
   */
  async handleCheckoutCompleted(session: CheckoutSessionSnapshot): Promise<FulfillmentResult> {
    const result = await fulfillCheckout(this.#ctx, this.#ctx.db, session);
    logOutcome(this.#ctx.logger, { status: 'processed', result }, { source: 'direct' });
    return result;
  }

  /** See `confirmCheckoutSession` in `./fulfillment/confirm-checkout-session.ts`. */
  confirmCheckoutSession(
    customerId: string,
    sessionId: string,
  ): Promise<CheckoutConfirmation | undefined> {
    return confirmCheckoutSession(this.#ctx, customerId, sessionId);
  }

  /** See `replayRejectedEvents` in `./fulfillment/replay-rejected-events.ts` (`pnpm webhooks:replay`). */
  replayRejectedEvents(options: ReplayOptions = {}): Promise<ReplaySummary> {
    return replayRejectedEvents(this.#ctx, (event) => this.handleStripeEvent(event), options);
  }

  /** See `reconcile` in `./fulfillment/reconcile.ts`. Throws without a Stripe client. */
  reconcilePendingPurchases(options: ReconcileOptions = {}): Promise<ReconciliationSummary> {
    return reconcile(this.#ctx, (event) => this.handleStripeEvent(event), options);
  }
}
