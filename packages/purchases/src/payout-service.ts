import type { Database, HttpDatabase, Queryable } from '@codex/database';
import type { ObservabilityClient } from '@codex/observability';
import type Stripe from 'stripe';
import type { Page } from './buyer/page-cursor';
import type { PageOptions } from './buyer/page-options';
import { DEFAULT_PLATFORM_FEE, type PlatformFeeTerms } from './checkout/checkout-context';
import type { FulfillmentContext } from './fulfillment/context';
import { RunBudget } from './fulfillment/run-budget';
import {
  type EarningsLine,
  type EarningsTotals,
  listEarnings,
  summarizeEarnings,
} from './payouts/earnings';
import {
  type OnboardingLink,
  type PayoutStatus,
  readPayoutStatus,
  startOnboarding,
} from './payouts/onboarding';
import {
  type ConnectEventOutcome,
  handleConnectEvent,
  type PayoutReconciliationSummary,
  reconcilePayouts,
} from './payouts/settle-payouts';
import { type SaleSettlement, settleSalePayout } from './payouts/settle-sale-payout';
import { paymentProviderNotConfigured } from './purchase-error';
import type { StaffCaller } from './staff/query-as-staff';

/** Rows per statement of the earnings CSV export's walk (as the sales export's). */
export const EARNINGS_EXPORT_PAGE_SIZE = 1000;

export interface PayoutServiceDependencies {
  /** The WebSocket pool. Connects on first use. */
  db: Database;
  /** SQL over HTTP: every statement is one request on it. Without it: `db`. */
  http?: HttpDatabase | undefined;
  /** Undefined without a Stripe key: onboarding and settling refuse as not configured. */
  stripe: Stripe | undefined;
  logger: ObservabilityClient;
  /** The web app's origin: Stripe's onboarding returns to its `/payouts` page. */
  webAppUrl?: string | undefined;
  /** The platform's default fee, as checkout records it (shown in the payout status). */
  platformFee?: PlatformFeeTerms | undefined;
  clock?: () => Date;
}

/**
 * How organizations get paid (decision 026): onboarding their Stripe connected account, the
 * payout status, the earnings ledger, and the steps that move each sale's share to them and back
 * (`./payouts/`). Staff reads and onboarding read the caller's role in their first statement
 * (`read_earnings`, `manage_payouts`); the settling methods are the webhooks' and the cron's.
 */
export class PayoutService {
  readonly #ctx: FulfillmentContext;
  readonly #webAppUrl: string | undefined;
  readonly #platformFee: PlatformFeeTerms;

  constructor(dependencies: PayoutServiceDependencies) {
    const hot: Queryable = dependencies.http ?? dependencies.db;
    this.#ctx = {
      db: dependencies.db,
      hot,
      stripe: dependencies.stripe,
      logger: dependencies.logger,
      clock: dependencies.clock ?? (() => new Date()),
    };
    this.#webAppUrl = dependencies.webAppUrl;
    this.#platformFee = dependencies.platformFee ?? DEFAULT_PLATFORM_FEE;
  }

  #stripe(): Stripe {
    if (!this.#ctx.stripe) throw paymentProviderNotConfigured();
    return this.#ctx.stripe;
  }

  /**
   * A fresh Account Link to Stripe's hosted onboarding, creating the organization's connected
   * account the first time; see `startOnboarding`. Stripe sends the owner back to the web app's
   * `/payouts` page. Throws `PurchaseError` `NOT_FOUND`, `FORBIDDEN`, `PAYMENT_PROVIDER_ERROR`,
   * `PAYMENT_PROVIDER_NOT_CONFIGURED`.
   */
  async startOnboarding(caller: StaffCaller): Promise<OnboardingLink> {
    const page = this.#webAppUrl ? new URL('/payouts', this.#webAppUrl).href : undefined;
    const urls = page
      ? { returnUrl: `${page}?onboarding=done`, refreshUrl: `${page}?onboarding=expired` }
      : undefined;
    return startOnboarding(this.#ctx, this.#ctx.stripe, caller, urls);
  }

  /** The organization's payout status (`read_earnings`). One statement. */
  readStatus(caller: StaffCaller): Promise<PayoutStatus> {
    return readPayoutStatus(this.#ctx.hot, caller, this.#platformFee);
  }

  /** One page of the earnings ledger, newest first (`read_earnings`). One statement. */
  listEarnings(caller: StaffCaller, options: PageOptions = {}): Promise<Page<EarningsLine>> {
    return listEarnings(this.#ctx.hot, caller, options);
  }

  /** One page of the export's walk ({@link EARNINGS_EXPORT_PAGE_SIZE} rows); pass `nextCursor` back. */
  exportEarningsPage(caller: StaffCaller, cursor?: string): Promise<Page<EarningsLine>> {
    return listEarnings(
      this.#ctx.hot,
      caller,
      { cursor, limit: EARNINGS_EXPORT_PAGE_SIZE },
      EARNINGS_EXPORT_PAGE_SIZE,
    );
  }

  /** The earnings per currency: Σ of the ledger's lines (`read_earnings`). One statement. */
  summarizeEarnings(caller: StaffCaller): Promise<EarningsTotals[]> {
    return summarizeEarnings(this.#ctx.hot, caller);
  }

  /** Moves one sale's payout towards what it owes; see `settleSalePayout`. Never sends twice. */
  async settleSale(purchaseId: string): Promise<SaleSettlement> {
    return settleSalePayout(this.#ctx, this.#stripe(), purchaseId);
  }

  /** A verified Connect event; see `handleConnectEvent`. */
  async handleConnectEvent(event: unknown): Promise<ConnectEventOutcome> {
    return handleConnectEvent(this.#ctx, this.#stripe(), event);
  }

  /**
   * The payouts' part of the reconciliation cron (`reconcilePayouts`) within its own Stripe-call
   * and time budget. Logs its summary.
   */
  async reconcile(
    options: { stripeCallBudget?: number; timeBudgetMs?: number } = {},
  ): Promise<PayoutReconciliationSummary> {
    const stripe = this.#stripe();
    const budget = new RunBudget({
      stripe,
      stripeCalls: options.stripeCallBudget ?? 20,
      timeMs: options.timeBudgetMs ?? 10_000,
      clock: this.#ctx.clock,
    });
    try {
      const summary = await reconcilePayouts(this.#ctx, stripe, budget);
      this.#ctx.logger.info('payouts reconciled', { ...summary, stripeCalls: budget.stripeCalls });
      return summary;
    } finally {
      budget.close();
    }
  }
}
