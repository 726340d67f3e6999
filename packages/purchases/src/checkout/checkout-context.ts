import {
  and,
  contentPurchases,
  type Database,
  eq,
  type HttpDatabase,
  type Queryable,
  type TaxBehavior,
} from '@codex/database';
import type { ObservabilityClient } from '@codex/observability';
import type Stripe from 'stripe';
import { PurchaseError, paymentProviderNotConfigured } from '../purchase-error';
import type { PurchaseCheckoutTerms } from './claim-purchase-slot';

export interface CheckoutServiceConfig {
  /** Origin of the web app, e.g. `https://app.codex.example`; checkout returns there. */
  webAppUrl: string;
  /** Lifetime of a Checkout Session. Default and minimum 30 minutes (Stripe's lower bound). */
  checkoutSessionTtlMinutes?: number;
  /**
   * How long a pending purchase may wait for its Stripe session id before it counts as abandoned
   * (the request that created it died between the insert and the Stripe call). Must exceed the
   * Stripe client's timeout and retries. Default 30 s.
   */
  sessionCreationGraceMs?: number;
  /** How often a concurrent request re-reads a pending purchase whose session is being created. Default 50 ms. */
  sessionPollIntervalMs?: number;
  /**
   * Lets the buyer enter a promotion code on Stripe's page (`allow_promotion_codes`). Default
   * false. Recorded on each purchase: a discount is accepted at completion only if codes were
   * allowed when its session was created.
   */
  allowPromotionCodes?: boolean;
  /**
   * Accepts a 100 % discount as payment (the session completes `no_payment_required`, total 0).
   * Default false: such a session grants no access and is flagged for review. Recorded on each
   * purchase. Only meaningful with `allowPromotionCodes`.
   */
  allowFullyDiscounted?: boolean;
  /** Stripe Tax computes tax on the session (`automatic_tax[enabled]`). Default false. Recorded on each purchase. */
  automaticTax?: boolean;
  /**
   * With `automaticTax`: whether the catalogue price excludes tax (added on top: the buyer pays
   * more) or includes it (the buyer pays the price). Sent as `price_data[tax_behavior]`, which
   * Stripe requires with automatic tax. Default `exclusive`.
   */
  taxBehavior?: TaxBehavior;
  /**
   * Reuses one Stripe Customer per buyer across purchases (`stripe_customers`), and gives Stripe
   * the buyer's address as that customer's e-mail instead of the session's `customer_email`.
   * Default false: sessions as before (`customer_email`, no customer).
   */
  reuseStripeCustomers?: boolean;
  /**
   * The platform's default fee on each paid sale (decision 026), recorded on the purchase at
   * checkout unless its organization overrides it: basis points of the price before tax (default
   * 1 000: 10 %), and a fixed part in the smallest currency unit (default 0).
   */
  platformFee?: PlatformFeeTerms;
}

/** A platform fee: basis points of the amount charged before tax, plus a fixed part. */
export interface PlatformFeeTerms {
  basisPoints: number;
  fixedCents: number;
}

/** The platform fee when the deployment sets none: 10 % and no fixed part. */
export const DEFAULT_PLATFORM_FEE: PlatformFeeTerms = { basisPoints: 1_000, fixedCents: 0 };

export interface CheckoutServiceDependencies {
  /** The WebSocket pool: interactive transactions, and the rare paths. Connects on first use. */
  db: Database;
  /**
   * SQL over HTTP for the hot statements (the checkout's claim and link): one request each, no
   * connection set-up. Without it they run on `db`.
   */
  http?: HttpDatabase | undefined;
  /** Undefined when no Stripe key is configured: free content still works, paid checkout refuses. */
  stripe: Stripe | undefined;
  logger: ObservabilityClient;
  config: CheckoutServiceConfig;
  /** Current time; injected so tests can move it. Default `() => new Date()`. */
  clock?: () => Date;
}

/** What every checkout step works with; built once per service by {@link createCheckoutContext}. */
export interface CheckoutContext {
  db: Database;
  /** Where single hot statements run: SQL over HTTP when configured, else `db`. */
  hot: Queryable;
  stripe: Stripe | undefined;
  logger: ObservabilityClient;
  clock: () => Date;
  /** The web app's origin. */
  webAppUrl: string;
  ttlMinutes: number;
  graceMs: number;
  pollMs: number;
  /** The checkout options every new paid purchase records and its session is created with. */
  terms: PurchaseCheckoutTerms;
  reuseCustomers: boolean;
}

/** Stripe's lower bound on a Checkout Session's lifetime. */
export const STRIPE_MIN_SESSION_TTL_MINUTES = 30;

/** The context of a checkout service: its dependencies, with the configuration's defaults applied. */
export function createCheckoutContext(dependencies: CheckoutServiceDependencies): CheckoutContext {
  const { config } = dependencies;
  return {
    db: dependencies.db,
    hot: dependencies.http ?? dependencies.db,
    stripe: dependencies.stripe,
    logger: dependencies.logger,
    clock: dependencies.clock ?? (() => new Date()),
    webAppUrl: new URL(config.webAppUrl).origin,
    ttlMinutes: Math.max(
      config.checkoutSessionTtlMinutes ?? STRIPE_MIN_SESSION_TTL_MINUTES,
      STRIPE_MIN_SESSION_TTL_MINUTES,
    ),
    graceMs: config.sessionCreationGraceMs ?? 30_000,
    pollMs: config.sessionPollIntervalMs ?? 50,
    terms: {
      allowPromotionCodes: config.allowPromotionCodes ?? false,
      allowFullyDiscounted: config.allowFullyDiscounted ?? false,
      taxBehavior: config.automaticTax ? (config.taxBehavior ?? 'exclusive') : null,
      platformFee: config.platformFee ?? DEFAULT_PLATFORM_FEE,
    },
    reuseCustomers: config.reuseStripeCustomers ?? false,
  };
}

/** The Stripe client; `PAYMENT_PROVIDER_NOT_CONFIGURED` without one. */
export function requireCheckoutStripe(ctx: Pick<CheckoutContext, 'stripe'>): Stripe {
  if (!ctx.stripe) throw paymentProviderNotConfigured();
  return ctx.stripe;
}

/** Logs a Stripe failure and turns it into the buyer's `PAYMENT_PROVIDER_ERROR`. */
export function providerError(
  ctx: Pick<CheckoutContext, 'logger'>,
  error: unknown,
  operation: string,
  purchaseId: string,
): PurchaseError {
  ctx.logger.trackError(error, { operation, purchaseId });
  return new PurchaseError(
    'PAYMENT_PROVIDER_ERROR',
    'The payment provider is unavailable; please try again',
    { cause: error },
  );
}

/** Fails a purchase that is still pending (a no-op for one that moved on meanwhile). */
export async function failPending(
  ctx: Pick<CheckoutContext, 'db' | 'logger'>,
  purchaseId: string,
  reason: string,
): Promise<void> {
  const failed = await ctx.db
    .update(contentPurchases)
    .set({ status: 'failed' })
    .where(and(eq(contentPurchases.id, purchaseId), eq(contentPurchases.status, 'pending')))
    .returning({ id: contentPurchases.id });
  if (failed.length > 0) ctx.logger.info('pending purchase failed', { purchaseId, reason });
}
