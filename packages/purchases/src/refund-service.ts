import type { Database, HttpDatabase, Queryable } from '@codex/database';
import type { ObservabilityClient } from '@codex/observability';
import type Stripe from 'stripe';
import { paymentProviderNotConfigured } from './purchase-error';
import {
  type IssuedRefundAnswer,
  issueRefund,
  type RefundRequestInput,
} from './refunds/issue-refund';

export interface RefundServiceDependencies {
  /** The WebSocket pool: used only when `http` is absent. Connects on first use. */
  db: Database;
  /** SQL over HTTP: each statement is one request, no connection set-up. */
  http?: HttpDatabase | undefined;
  /** Undefined when no Stripe key is configured: every refund is refused as not configured. */
  stripe: Stripe | undefined;
  logger: ObservabilityClient;
}

/**
 * Refunds issued by an organization's staff from the platform. The service decides who may: its
 * first statement reads the caller's role (`requestedBy` in `organization_members`, or a platform
 * operator) with the purchase, and touches only that organization's purchases.
 */
export class RefundService {
  readonly #hot: Queryable;
  readonly #stripe: Stripe | undefined;
  readonly #logger: ObservabilityClient;

  constructor(dependencies: RefundServiceDependencies) {
    this.#hot = dependencies.http ?? dependencies.db;
    this.#stripe = dependencies.stripe;
    this.#logger = dependencies.logger;
  }

  /**
   * Asks Stripe to refund the purchase, once per (organization, `idempotencyKey`); see
   * `issueRefund` for each step. Throws `PurchaseError`: `NOT_FOUND` (no role in the organization,
   * or not the organization's purchase), `FORBIDDEN` (a role that may not refund),
   * `PURCHASE_NOT_COMPLETED`, `PURCHASE_DISPUTED`, `REFUND_EXCEEDS_REMAINING`,
   * `IDEMPOTENCY_KEY_REUSED`, `PAYMENT_PROVIDER_ERROR` (retry with the same key) and
   * `PAYMENT_PROVIDER_NOT_CONFIGURED`.
   */
  issueRefund(input: RefundRequestInput): Promise<IssuedRefundAnswer> {
    if (!this.#stripe) return Promise.reject(paymentProviderNotConfigured());
    return issueRefund({ hot: this.#hot, stripe: this.#stripe, logger: this.#logger }, input);
  }
}
