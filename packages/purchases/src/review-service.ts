import type { Database, HttpDatabase, Queryable } from '@codex/database';
import type { ObservabilityClient } from '@codex/observability';
import type Stripe from 'stripe';
import type { Page } from './buyer/page-cursor';
import type { PageOptions } from './buyer/page-options';
import type { FulfillmentContext } from './fulfillment/context';
import { paymentProviderNotConfigured } from './purchase-error';
import {
  listReviewQueue,
  type ReviewItem,
  type ReviewQueueState,
} from './review/list-review-queue';
import { type ReviewActionAnswer, resolveFlag } from './review/resolve-flag';
import type { ReviewActionInput } from './review/review-action-store';
import type { StaffCaller } from './staff/query-as-staff';

export interface ReviewServiceDependencies {
  /** The WebSocket pool: the actions' transactions. Connects on first use. */
  db: Database;
  /** SQL over HTTP: the queue's one statement. Without it: `db`. */
  http?: HttpDatabase | undefined;
  /** Undefined without a Stripe key: every action is refused as not configured. */
  stripe: Stripe | undefined;
  logger: ObservabilityClient;
  clock?: () => Date;
}

/**
 * The review queue: an organization's flagged purchases (payments the money model would not
 * decide alone: `fulfillment_anomalies`) and the actions that resolve them through the money model
 * (`./review/`, decision 025). Each method's first statement reads the caller's role
 * (`queryAsStaff`: `admin`, `owner` or `operator` may review) and touches only that organization's
 * flags.
 */
export class ReviewService {
  readonly #ctx: FulfillmentContext;
  readonly #hot: Queryable;

  constructor(dependencies: ReviewServiceDependencies) {
    this.#hot = dependencies.http ?? dependencies.db;
    this.#ctx = {
      db: dependencies.db,
      hot: this.#hot,
      stripe: dependencies.stripe,
      logger: dependencies.logger,
      clock: dependencies.clock ?? (() => new Date()),
    };
  }

  /** One page of the queue, newest first; see `listReviewQueue`. One statement, role included. */
  listQueue(
    caller: StaffCaller,
    state: ReviewQueueState = 'open',
    options: PageOptions = {},
  ): Promise<Page<ReviewItem>> {
    return listReviewQueue(this.#hot, caller, state, options);
  }

  /**
   * Resolves a flag with one action; see `resolveFlag` for each step. Throws `PurchaseError`:
   * `NOT_FOUND`, `REVIEW_ITEM_RESOLVED`, `REVIEW_ACTION_IN_PROGRESS`, `REVIEW_ACTION_NOT_ALLOWED`,
   * `IDEMPOTENCY_KEY_REUSED`, Stripe's refusals (`REFUND_EXCEEDS_REMAINING`, `PURCHASE_DISPUTED`,
   * `REFUND_REFUSED_BY_PROVIDER`), `PAYMENT_PROVIDER_ERROR` (send it again) and
   * `PAYMENT_PROVIDER_NOT_CONFIGURED`.
   */
  resolve(input: ReviewActionInput): Promise<ReviewActionAnswer> {
    const stripe = this.#ctx.stripe;
    if (!stripe) return Promise.reject(paymentProviderNotConfigured());
    return resolveFlag(this.#ctx, stripe, input);
  }
}
