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
import { refundForeignDiscounts } from './fulfillment/foreign-discount';
import { handleStripeEvent, handleStripePayload } from './fulfillment/handle-stripe-event';
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

/** Foreign-discount refunds one reconciliation run may make (one Stripe call each). */
const FOREIGN_DISCOUNT_REFUNDS_PER_RUN = 5;

export interface FulfillmentServiceDependencies {
  /** The WebSocket pool: interactive transactions (the careful paths). Connects on first use. */
  db: Database;
  /** SQL over HTTP for the one-statement webhook (completion, duplicate). Without it: `db`. */
  http?: HttpDatabase | undefined;
  /**
   * Its API version (`createStripeClient` pins it) is the one events are expected in: an event of
   * another version is handled with a warning when it fits, kept for replay when it does not.
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

  /**
   * The webhook's entry: `payload` is the verified body, exactly the bytes Stripe signed. Anything
   * at all is handled or kept for replay (see `handleStripePayload` in
   * `./fulfillment/handle-stripe-event.ts`); throws only on infrastructure failure. After the
   * commit, as {@link handleStripeEvent}.
   */
  handleStripePayload(payload: Uint8Array): Promise<StripeEventOutcome> {
    return this.#settleAfterCommit(handleStripePayload(this.#ctx, payload));
  }

  /**
   * See `handleStripeEvent` in `./fulfillment/handle-stripe-event.ts`. `event` is the verified,
   * parsed JSON. A payment it found paid with a foreign discount is refunded right after the
   * commit (`refundForeignDiscounts`; should that fail, the reconciliation cron does it).
   */
  handleStripeEvent(event: unknown): Promise<StripeEventOutcome> {
    return this.#settleAfterCommit(handleStripeEvent(this.#ctx, event));
  }

  async #settleAfterCommit(handling: Promise<StripeEventOutcome>): Promise<StripeEventOutcome> {
    const outcome = await handling;
    const result = outcome.status === 'processed' ? outcome.result : undefined;
    if (result?.status === 'flagged' && result.kind === 'foreign_discount' && result.purchaseId) {
      await this.#refundIfForeignDiscount(result.purchaseId);
    }
    return outcome;
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
  async confirmCheckoutSession(
    customerId: string,
    sessionId: string,
  ): Promise<CheckoutConfirmation | undefined> {
    const confirmation = await confirmCheckoutSession(this.#ctx, customerId, sessionId);
    // The success page may be what found it (its read of Stripe settles the session).
    if (confirmation?.status === 'failed') {
      await this.#refundIfForeignDiscount(confirmation.purchaseId);
    }
    return confirmation;
  }

  /** See `replayRejectedEvents` in `./fulfillment/replay-rejected-events.ts` (`pnpm webhooks:replay`). */
  replayRejectedEvents(options: ReplayOptions = {}): Promise<ReplaySummary> {
    return replayRejectedEvents(this.#ctx, (event) => this.handleStripeEvent(event), options);
  }

  /**
   * See `reconcile` in `./fulfillment/reconcile.ts`, after which the payments with a foreign
   * discount that are not refunded yet are (at most 5 a run: each is one Stripe call). Throws
   * without a Stripe client.
   */
  async reconcilePendingPurchases(options: ReconcileOptions = {}): Promise<ReconciliationSummary> {
    const summary = await reconcile(this.#ctx, (event) => this.handleStripeEvent(event), options);
    await refundForeignDiscounts(this.#ctx, { limit: FOREIGN_DISCOUNT_REFUNDS_PER_RUN });
    return summary;
  }

  /** Refunds the payment of a purchase failed for a foreign discount, if it is one; never throws. */
  async #refundIfForeignDiscount(purchaseId: string): Promise<void> {
    await refundForeignDiscounts(this.#ctx, { purchaseId }).catch((error: unknown) => {
      this.#ctx.logger.trackError(error, { operation: 'refund foreign discount' });
    });
  }
}
