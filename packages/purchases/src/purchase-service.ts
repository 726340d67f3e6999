import {
  and,
  contentPurchases,
  type Database,
  eq,
  grantsAccessPredicate,
  type HttpDatabase,
  isNull,
  type Queryable,
  queryRows,
  stripeCustomers,
  type TaxBehavior,
} from '@codex/database';
import type { ObservabilityClient } from '@codex/observability';
import Stripe from 'stripe';
import {
  type ActivePurchase,
  claimPurchaseSlot,
  type PurchasableContent,
  type PurchaseCheckoutTerms,
  type StripeCustomerMapping,
} from './checkout/claim-purchase-slot';
import { isDelayedPaymentFailed } from './fulfillment/settle-session';
import { PurchaseError, paymentProviderNotConfigured } from './purchase-error';

/** What `createCheckoutSession` can answer besides a refusal (`PurchaseError`). */
export type CheckoutResult =
  | { status: 'checkout_created'; purchaseId: string; sessionId: string; checkoutUrl: string }
  | { status: 'checkout_reused'; purchaseId: string; sessionId: string; checkoutUrl: string }
  | { status: 'free_access_granted'; purchaseId: string };

/** Optional details of one checkout. */
export interface CheckoutOptions {
  /**
   * The buyer's address (the token's `email` claim), if known: kept with the purchase for its
   * confirmation and revocation e-mails, and given to Stripe so its own receipt goes out too: as
   * the reused Customer's e-mail with `reuseStripeCustomers`, else as the session's
   * `customer_email`. Without it no e-mail is sent for this purchase. Never logged.
   */
  customerEmail?: string | undefined;
}

export interface PurchaseServiceConfig {
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
}

export interface PurchaseServiceDependencies {
  /** The WebSocket pool: interactive transactions, and the rare paths. Connects on first use. */
  db: Database;
  /**
   * SQL over HTTP for the hot statements (access check, the checkout's claim and link): one
   * request each, no connection set-up. Without it they run on `db`.
   */
  http?: HttpDatabase | undefined;
  /** Undefined when no Stripe key is configured: free content still works, paid checkout refuses. */
  stripe: Stripe | undefined;
  logger: ObservabilityClient;
  config: PurchaseServiceConfig;
  /** Current time; injected so tests can move it. Default `() => new Date()`. */
  clock?: () => Date;
}

const STRIPE_MIN_SESSION_TTL_MINUTES = 30;
// Stripe checks `expires_at` against its own clock on arrival; a session asked to live exactly
// 30 minutes from our clock is refused after any delay. A small margin keeps it inside the bound.
const EXPIRES_AT_MARGIN_SECONDS = 60;
// A session with less time than this left is not handed out again: the buyer could not finish.
const REUSE_MIN_REMAINING_MS = 5 * 60_000;
// Each round either returns or retires one stale pending purchase; more than this means a bug.
const MAX_ROUNDS = 4;

/**
 * Checkout and access for buyers. Every guarantee that matters under concurrency is settled by
 * Postgres (the partial unique index on active purchases, conditional updates); this class only
 * decides what to do next.
 */
export class PurchaseService {
  readonly #db: Database;
  readonly #hot: Queryable;
  readonly #stripeClient: Stripe | undefined;
  readonly #logger: ObservabilityClient;
  readonly #clock: () => Date;
  readonly #webAppUrl: string;
  readonly #ttlMinutes: number;
  readonly #graceMs: number;
  readonly #pollMs: number;
  readonly #terms: PurchaseCheckoutTerms;
  readonly #reuseCustomers: boolean;

  constructor(dependencies: PurchaseServiceDependencies) {
    const { config } = dependencies;
    this.#db = dependencies.db;
    this.#hot = dependencies.http ?? dependencies.db;
    this.#stripeClient = dependencies.stripe;
    this.#logger = dependencies.logger;
    this.#clock = dependencies.clock ?? (() => new Date());
    this.#webAppUrl = new URL(config.webAppUrl).origin;
    this.#ttlMinutes = Math.max(
      config.checkoutSessionTtlMinutes ?? STRIPE_MIN_SESSION_TTL_MINUTES,
      STRIPE_MIN_SESSION_TTL_MINUTES,
    );
    this.#graceMs = config.sessionCreationGraceMs ?? 30_000;
    this.#pollMs = config.sessionPollIntervalMs ?? 50;
    this.#terms = {
      allowPromotionCodes: config.allowPromotionCodes ?? false,
      allowFullyDiscounted: config.allowFullyDiscounted ?? false,
      taxBehavior: config.automaticTax ? (config.taxBehavior ?? 'exclusive') : null,
    };
    this.#reuseCustomers = config.reuseStripeCustomers ?? false;
  }

  /**
   * Starts (or resumes) the purchase of `contentId` by `customerId`.
   *
   * - `checkout_created`: a new pending purchase and a new Stripe Checkout Session.
   * - `checkout_reused`: the customer's pending purchase still has an open session; its URL again
   *   (a double click or a second tab never makes a second session).
   * - `free_access_granted`: the content is free; a completed purchase at 0, no Stripe call.
   *
   * Throws `PurchaseError` with `CONTENT_NOT_FOUND` (missing, draft or archived content),
   * `ALREADY_PURCHASED` (a completed purchase exists, or a payment for it is already complete at
   * Stripe), or `PAYMENT_PROVIDER_ERROR` (Stripe failed or timed out; a purchase created for this
   * call is marked failed), or `PAYMENT_PROVIDER_NOT_CONFIGURED` (paid content and no Stripe key;
   * nothing written). Throws other errors only for infrastructure failures.
   *
   * `options.customerEmail` is stored with a purchase this call creates, in the same statement.
   * A new paid purchase records the deployment's checkout options (codes, 100 % discounts,
   * automatic tax), and its session is created with them. With `reuseStripeCustomers` the session
   * names the buyer's one Stripe Customer (created and mapped on the first paid checkout; a failure
   * there fails the purchase like any Stripe failure).
   */
  async createCheckoutSession(
    customerId: string,
    contentId: string,
    options: CheckoutOptions = {},
  ): Promise<CheckoutResult> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      // One round trip: the content, the customer's active purchase, and the new purchase when
      // the slot is free (completed at once when free, pending when paid and Stripe is there).
      // With customer reuse, the buyer's Stripe Customer comes in the same statement.
      const { item, active, insertedId, stripeCustomer } = await claimPurchaseSlot(this.#hot, {
        customerId,
        contentId,
        canPay: this.#stripeClient !== undefined,
        now: this.#clock(),
        customerEmail: options.customerEmail,
        terms: this.#terms,
      });
      if (item?.status !== 'published') {
        throw new PurchaseError('CONTENT_NOT_FOUND', 'Content not found');
      }
      if (active?.status === 'completed') {
        throw new PurchaseError('ALREADY_PURCHASED', 'This content has already been purchased');
      }
      if (active) {
        // Nothing was inserted: the slot is held by this pending purchase.
        if (item.priceCents > 0 && !this.#stripeClient) throw paymentProviderNotConfigured();
        const outcome = await this.#resumePending(active, item);
        if (outcome !== 'start_over') return outcome;
        continue; // retired, or linked to its session meanwhile: read again
      }
      // Nothing was written: without Stripe a paid checkout cannot start.
      if (item.priceCents > 0 && !this.#stripeClient) throw paymentProviderNotConfigured();
      if (!insertedId) continue; // another request took the slot first: the next round finds it

      if (item.priceCents === 0) {
        this.#logger.info('free access granted', { purchaseId: insertedId, contentId: item.id });
        return { status: 'free_access_granted', purchaseId: insertedId };
      }
      const created = await this.#startPaidCheckout(insertedId, customerId, item, {
        ...options,
        stripeCustomer,
      });
      if (created) return created;
    }
    throw new Error('createCheckoutSession: no stable outcome after repeated contention');
  }

  /**
   * True only if the customer has a completed purchase of the content that is not refunded past
   * the refund policy and has no open or lost dispute: `grantsAccessPredicate`, the one definition
   * of the rule (`grantsAccess` in access-policy.ts mirrors it). One indexed query (the partial
   * unique index on active purchases).
   */
  async hasAccess(customerId: string, contentId: string): Promise<boolean> {
    const query = this.#db
      .select({ id: contentPurchases.id })
      .from(contentPurchases)
      .where(
        and(
          eq(contentPurchases.customerId, customerId),
          eq(contentPurchases.contentId, contentId),
          grantsAccessPredicate(contentPurchases),
        ),
      )
      .limit(1);
    // Built with the query builder, run on the one-request transport.
    const rows = await queryRows(this.#hot, query.getSQL());
    return rows.length > 0;
  }

  get #stripe(): Stripe {
    if (!this.#stripeClient) throw paymentProviderNotConfigured();
    return this.#stripeClient;
  }

  /**
   * Decides what a pending purchase means now. Returns the reuse outcome, or undefined after
   * retiring the purchase (expired, abandoned or unusable) so the caller starts a new one.
   */
  async #resumePending(
    pending: ActivePurchase,
    item: PurchasableContent,
  ): Promise<CheckoutResult | 'start_over'> {
    if (item.priceCents === 0) {
      // Became free while a paid checkout was open: the free grant replaces it, and the old session
      // is closed at Stripe so nobody pays for what is now free.
      if (pending.stripeCheckoutSessionId && this.#stripeClient) {
        await this.#expireUnpaidSession(pending.id, pending.stripeCheckoutSessionId);
      }
      await this.#failPending(pending.id, 'content is now free');
      return 'start_over';
    }

    const sessionId = pending.stripeCheckoutSessionId;
    if (!sessionId) {
      // Being set up by a concurrent request, or abandoned: wait, then read it again.
      await this.#waitForSessionId(pending);
      return 'start_over';
    }

    // The common second click: the session we stored is open long enough, no Stripe call needed.
    // (If the buyer paid meanwhile, the same URL shows Stripe's own "already paid" page; fulfillment
    // grants access either way, so nobody can pay twice.)
    const expiresAt = pending.stripeCheckoutExpiresAt?.getTime() ?? 0;
    if (pending.stripeCheckoutUrl && expiresAt - this.#clock().getTime() > REUSE_MIN_REMAINING_MS) {
      this.#logger.info('checkout session reused', { purchaseId: pending.id, sessionId });
      return {
        status: 'checkout_reused',
        purchaseId: pending.id,
        sessionId,
        checkoutUrl: pending.stripeCheckoutUrl,
      };
    }

    let session: Stripe.Checkout.Session;
    try {
      session = await this.#stripe.checkout.sessions.retrieve(sessionId, {
        expand: ['payment_intent'],
      });
    } catch (error) {
      if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404) {
        await this.#failPending(pending.id, 'checkout session unknown to Stripe');
        return 'start_over';
      }
      throw this.#providerError(error, 'retrieve checkout session', pending.id);
    }

    if (isDelayedPaymentFailed(session)) {
      // The bank debit failed (its webhook may be lost): this attempt is over, start a new one.
      await this.#failPending(pending.id, 'delayed payment failed');
      return 'start_over';
    }
    if (session.status === 'complete') {
      // Paid (or being paid) at Stripe; fulfillment will complete the purchase. Never charge twice.
      throw new PurchaseError(
        'ALREADY_PURCHASED',
        'A payment for this content has already been made and is being processed',
      );
    }
    const remainingMs = session.expires_at * 1000 - this.#clock().getTime();
    if (session.status === 'open' && session.url && remainingMs > REUSE_MIN_REMAINING_MS) {
      this.#logger.info('checkout session reused', { purchaseId: pending.id, sessionId });
      return {
        status: 'checkout_reused',
        purchaseId: pending.id,
        sessionId,
        checkoutUrl: session.url,
      };
    }
    if (session.status === 'open') {
      // About to expire: close it at Stripe so it cannot be paid after we replace it.
      try {
        await this.#stripe.checkout.sessions.expire(sessionId);
      } catch (error) {
        throw this.#providerError(error, 'expire checkout session', pending.id);
      }
    }
    await this.#failPending(pending.id, 'checkout session expired');
    return 'start_over';
  }

  /**
   * A pending purchase without a session id is either being set up by a concurrent request (the
   * Stripe call is in flight) or was abandoned by a request that died. Waits for the former; retires
   * the latter once the grace period has passed. Returns the session id, or undefined if retired.
   */
  async #waitForSessionId(pending: ActivePurchase): Promise<string | undefined> {
    const remainingMs = pending.createdAt.getTime() + this.#graceMs - this.#clock().getTime();
    const polls = Math.ceil(Math.max(0, remainingMs) / this.#pollMs);
    for (let poll = 0; poll < polls; poll++) {
      await new Promise((resolve) => setTimeout(resolve, this.#pollMs));
      const [row] = await this.#db
        .select({
          status: contentPurchases.status,
          sessionId: contentPurchases.stripeCheckoutSessionId,
        })
        .from(contentPurchases)
        .where(eq(contentPurchases.id, pending.id));
      if (row?.status !== 'pending') return undefined; // failed meanwhile: start over
      if (row.sessionId) return row.sessionId;
    }
    // Only retire it if it is still sessionless: the creator may have finished just now.
    const retired = await this.#db
      .update(contentPurchases)
      .set({ status: 'failed' })
      .where(
        and(
          eq(contentPurchases.id, pending.id),
          eq(contentPurchases.status, 'pending'),
          isNull(contentPurchases.stripeCheckoutSessionId),
        ),
      )
      .returning({ id: contentPurchases.id });
    if (retired.length > 0) {
      this.#logger.warn('abandoned pending purchase retired', { purchaseId: pending.id });
    }
    return undefined;
  }

  /**
   * Creates the Stripe session of a pending purchase just inserted (the row comes first: audit
   * trail, and the unique index settles races) and links it. Undefined when the purchase was
   * retired meanwhile (the caller starts over).
   */
  async #startPaidCheckout(
    purchaseId: string,
    customerId: string,
    item: PurchasableContent,
    options: CheckoutOptions & { stripeCustomer: StripeCustomerMapping | undefined },
  ): Promise<CheckoutResult | undefined> {
    let session: Stripe.Checkout.Session;
    try {
      const buyer: { customer?: string; customer_email?: string } = this.#reuseCustomers
        ? {
            customer: await this.#reuseStripeCustomer(
              customerId,
              options.stripeCustomer,
              options.customerEmail,
            ),
          }
        : options.customerEmail
          ? { customer_email: options.customerEmail }
          : {};
      session = await this.#createStripeSession(purchaseId, customerId, item, buyer);
    } catch (error) {
      await this.#failPending(purchaseId, 'checkout session creation failed');
      throw this.#providerError(error, 'create checkout session', purchaseId);
    }
    if (!session.url) {
      await this.#failPending(purchaseId, 'checkout session has no URL');
      throw this.#providerError(
        new Error('Stripe returned a checkout session without a URL'),
        'create checkout session',
        purchaseId,
      );
    }

    const link = this.#db
      .update(contentPurchases)
      .set({
        stripeCheckoutSessionId: session.id,
        stripeCheckoutUrl: session.url,
        stripeCheckoutExpiresAt: new Date(session.expires_at * 1000),
      })
      .where(and(eq(contentPurchases.id, purchaseId), eq(contentPurchases.status, 'pending')))
      .returning({ id: contentPurchases.id });
    const linked = await queryRows(this.#hot, link.getSQL());
    if (linked.length === 0) {
      // Retired as abandoned while Stripe was slow: make the orphan session unpayable and start over.
      await this.#stripe.checkout.sessions.expire(session.id).catch((error: unknown) => {
        this.#logger.trackError(error, { purchaseId, sessionId: session.id });
      });
      return undefined;
    }

    this.#logger.info('checkout session created', {
      purchaseId,
      contentId: item.id,
      sessionId: session.id,
      amount: item.priceCents,
      currency: item.currency,
    });
    return {
      status: 'checkout_created',
      purchaseId,
      sessionId: session.id,
      checkoutUrl: session.url,
    };
  }

  /**
   * The buyer's one Stripe Customer. Mapped already (read by the claim): reused, its e-mail updated
   * at Stripe only when the buyer's address differs from the one we last gave it (one call and one
   * statement then; none on the usual checkout). Not mapped: created with an idempotency key per
   * buyer, so concurrent first checkouts get one customer from Stripe (within its 24 h key window),
   * and the mapping inserted; the first insert wins and every checkout uses its customer.
   */
  async #reuseStripeCustomer(
    customerId: string,
    mapped: StripeCustomerMapping | undefined,
    email: string | undefined,
  ): Promise<string> {
    if (mapped) {
      if (email && email !== mapped.email) {
        await this.#stripe.customers.update(mapped.stripeCustomerId, { email });
        const remember = this.#db
          .update(stripeCustomers)
          .set({ email })
          .where(eq(stripeCustomers.customerId, customerId));
        await queryRows(this.#hot, remember.getSQL());
      }
      return mapped.stripeCustomerId;
    }
    const created = await this.#stripe.customers.create(
      { ...(email ? { email } : {}), metadata: { customerId } },
      { idempotencyKey: `customer:${customerId}` },
    );
    // No conflict target: a racing checkout's row conflicts on the buyer (or, carrying the same
    // customer, on the Stripe id, whichever index is checked first); either way that row wins.
    const insert = this.#db
      .insert(stripeCustomers)
      .values({ customerId, stripeCustomerId: created.id, email: email ?? null })
      .onConflictDoNothing()
      .returning({ stripeCustomerId: stripeCustomers.stripeCustomerId });
    const [inserted] = await queryRows<{ stripe_customer_id: string }>(this.#hot, insert.getSQL());
    if (inserted) return inserted.stripe_customer_id;
    // Lost the race: a separate statement, so it sees the winner's committed row.
    const winner = this.#db
      .select({ stripeCustomerId: stripeCustomers.stripeCustomerId })
      .from(stripeCustomers)
      .where(eq(stripeCustomers.customerId, customerId));
    const [row] = await queryRows<{ stripe_customer_id: string }>(this.#hot, winner.getSQL());
    if (!row) throw new Error('stripe customer mapping conflicts with another buyer');
    if (row.stripe_customer_id !== created.id) {
      this.#logger.warn('stripe customer created twice for one buyer; the other one is unused', {
        stripeCustomerId: created.id,
        usedStripeCustomerId: row.stripe_customer_id,
      });
    }
    return row.stripe_customer_id;
  }

  #createStripeSession(
    purchaseId: string,
    customerId: string,
    item: PurchasableContent,
    buyer: { customer?: string; customer_email?: string },
  ) {
    const metadata = {
      purchaseId,
      customerId,
      contentId: item.id,
      organizationId: item.organizationId,
    };
    const nowSeconds = Math.floor(this.#clock().getTime() / 1000);
    const contentUrl = `${this.#webAppUrl}/content/${item.id}`;
    // The purchase recorded these same terms in the claim: its session must be created with them.
    const { allowPromotionCodes, taxBehavior } = this.#terms;
    return this.#stripe.checkout.sessions.create(
      {
        mode: 'payment',
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: item.currency,
              unit_amount: item.priceCents,
              product_data: {
                name: item.title,
                // Stripe refuses an empty description.
                ...(item.description ? { description: item.description } : {}),
                metadata: { contentId: item.id },
              },
              ...(taxBehavior ? { tax_behavior: taxBehavior } : {}),
            },
          },
        ],
        // Only when switched on: with every switch off the request is what it always was.
        ...(allowPromotionCodes ? { allow_promotion_codes: true } : {}),
        ...(taxBehavior ? { automatic_tax: { enabled: true } } : {}),
        client_reference_id: purchaseId,
        // `customer` and `customer_email` are mutually exclusive at Stripe: one or the other.
        ...buyer,
        metadata,
        payment_intent_data: { metadata },
        expires_at: nowSeconds + this.#ttlMinutes * 60 + EXPIRES_AT_MARGIN_SECONDS,
        success_url: `${contentUrl}?purchase=success&session_id={CHECKOUT_SESSION_ID}`,
        cancel_url: `${contentUrl}?purchase=cancelled`,
      },
      // One purchase, one session: a retried call (ours or the SDK's) cannot create a second one.
      { idempotencyKey: `checkout-session:${purchaseId}` },
    );
  }

  /**
   * Expires an open session at Stripe. A session that is already complete was paid (or a delayed
   * payment is under way): refused as `ALREADY_PURCHASED`, nothing changes here.
   */
  async #expireUnpaidSession(purchaseId: string, sessionId: string): Promise<void> {
    try {
      await this.#stripe.checkout.sessions.expire(sessionId);
    } catch (error) {
      if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) {
        throw this.#providerError(error, 'expire checkout session', purchaseId);
      }
      // Not open any more: expired already is fine; complete means money is moving.
      const session = await this.#stripe.checkout.sessions
        .retrieve(sessionId, { expand: ['payment_intent'] })
        .catch((retrieveError: unknown) => {
          throw this.#providerError(retrieveError, 'retrieve checkout session', purchaseId);
        });
      if (session.status === 'complete' && !isDelayedPaymentFailed(session)) {
        throw new PurchaseError(
          'ALREADY_PURCHASED',
          'A payment for this content has already been made and is being processed',
        );
      }
    }
  }

  async #failPending(purchaseId: string, reason: string): Promise<void> {
    const failed = await this.#db
      .update(contentPurchases)
      .set({ status: 'failed' })
      .where(and(eq(contentPurchases.id, purchaseId), eq(contentPurchases.status, 'pending')))
      .returning({ id: contentPurchases.id });
    if (failed.length > 0) this.#logger.info('pending purchase failed', { purchaseId, reason });
  }

  #providerError(error: unknown, operation: string, purchaseId: string): PurchaseError {
    this.#logger.trackError(error, { operation, purchaseId });
    return new PurchaseError(
      'PAYMENT_PROVIDER_ERROR',
      'The payment provider is unavailable; please try again',
      { cause: error },
    );
  }
}
