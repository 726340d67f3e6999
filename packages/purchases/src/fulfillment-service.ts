import {
  and,
  type ContentPurchase,
  contentPurchases,
  type Database,
  type DatabaseTransaction,
  type DisputeStatus,
  eq,
  type FulfillmentAnomalyKind,
  fulfillmentAnomalies,
  isNotNull,
  isNull,
  isUniqueViolation,
  lt,
  notExists,
  or,
  type PaymentEventKind,
  paymentEvents,
  sql,
  stripeWebhookEvents,
} from '@codex/database';
import type { ObservabilityClient } from '@codex/observability';
import Stripe from 'stripe';
import { grantsAccess, isAccessRevokingRefund, nextDisputeStatus } from './access-policy';
import { PurchaseError, paymentProviderNotConfigured } from './purchase-error';

/** The fields of a Checkout Session that fulfillment reads (a webhook payload or a retrieved session). */
export type CheckoutSessionSnapshot = Pick<
  Stripe.Checkout.Session,
  | 'id'
  | 'client_reference_id'
  | 'metadata'
  | 'payment_status'
  | 'status'
  | 'amount_total'
  | 'currency'
  | 'payment_intent'
>;

/** What one fulfillment attempt did to the purchase behind a session. */
export type FulfillmentResult =
  /** The purchase became completed now. */
  | { status: 'completed'; purchaseId: string; contentId: string }
  /** It already was completed (a repeated or late event). */
  | { status: 'already_completed'; purchaseId: string; contentId: string }
  /** Paid with a delayed method and not settled yet (`payment_status: unpaid`): stays pending. */
  | { status: 'awaiting_payment'; purchaseId: string; contentId: string }
  /** The purchase became failed now (payment failed, session expired). */
  | { status: 'failed'; purchaseId: string; contentId: string }
  /** Nothing to change: the purchase is no longer pending and the trigger does not apply to it. */
  | {
      status: 'unchanged';
      purchaseId: string;
      contentId: string;
      purchaseStatus: ContentPurchase['status'];
    }
  /** Amount, currency or ids disagree with the purchase: recorded for review, no access. */
  | { status: 'flagged'; purchaseId: string | undefined; kind: FulfillmentAnomalyKind }
  /** A refund or dispute event was applied (`access` says what it did to access). */
  | {
      status: 'payment_event_recorded';
      purchaseId: string;
      contentId: string;
      kind: PaymentEventKind;
      access: 'granted' | 'revoked' | 'unchanged';
    }
  /** The session, charge, refund or dispute references no purchase of ours. */
  | { status: 'unknown_purchase' };

/** What handling one Stripe event did. */
export type StripeEventOutcome =
  | { status: 'duplicate' }
  | { status: 'ignored'; reason: 'unhandled_type' }
  | { status: 'processed'; result: FulfillmentResult };

/** The Stripe event types fulfillment handles; any other type is acknowledged and ignored. */
export const handledStripeEventTypes = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
  'charge.refunded',
  'refund.failed',
  'refund.updated',
  'charge.dispute.created',
  'charge.dispute.closed',
  'charge.dispute.funds_withdrawn',
  'charge.dispute.funds_reinstated',
] as const;

/** Refund and dispute events: they move money after the sale. */
type MoneyEvent = Extract<
  Stripe.Event,
  {
    type:
      | 'charge.refunded'
      | 'refund.failed'
      | 'refund.updated'
      | 'charge.dispute.created'
      | 'charge.dispute.closed'
      | 'charge.dispute.funds_withdrawn'
      | 'charge.dispute.funds_reinstated';
  }
>;

function isMoneyEvent(event: Stripe.Event): event is MoneyEvent {
  return (
    event.type === 'charge.refunded' ||
    event.type === 'refund.failed' ||
    event.type === 'refund.updated' ||
    event.type.startsWith('charge.dispute.')
  );
}

export interface ReconcileOptions {
  /** Only purchases pending for longer than this are checked. Default 15. */
  olderThanMinutes?: number;
  /** At most this many sessions are retrieved from Stripe per run. Default 50. */
  batchSize?: number;
  /** Inbox rows older than this are deleted. Default 30 (Stripe retries for 3 days). */
  pruneInboxAfterDays?: number;
}

export interface ReconciliationSummary {
  checked: number;
  completed: number;
  failed: number;
  errors: number;
  pruned: number;
}

export interface FulfillmentServiceDependencies {
  db: Database;
  /** Undefined without a Stripe key: webhooks still apply; Stripe lookups are refused or skipped. */
  stripe: Stripe | undefined;
  logger: ObservabilityClient;
  clock?: () => Date;
}

type Executor = Database | DatabaseTransaction;
type PurchaseRow = Pick<
  ContentPurchase,
  | 'id'
  | 'customerId'
  | 'contentId'
  | 'status'
  | 'pricePaidCents'
  | 'currency'
  | 'stripeCheckoutSessionId'
>;

const PAID_STATUSES = new Set(['paid', 'no_payment_required']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Turns paid Checkout Sessions into access exactly once, whatever triggers it: a webhook, the
 * success page, or reconciliation. Every state change is a conditional update on `status =
 * 'pending'`, so late, repeated or reordered triggers never regress a purchase.
 */
export class FulfillmentService {
  readonly #db: Database;
  readonly #stripe: Stripe | undefined;
  readonly #logger: ObservabilityClient;
  readonly #clock: () => Date;

  constructor(dependencies: FulfillmentServiceDependencies) {
    this.#db = dependencies.db;
    this.#stripe = dependencies.stripe;
    this.#logger = dependencies.logger;
    this.#clock = dependencies.clock ?? (() => new Date());
  }

  /**
   * Handles one verified Stripe event exactly once: its id enters the `stripe_webhook_events`
   * inbox in the same transaction as the state change it causes. A duplicate (even one racing the
   * first delivery) returns `duplicate` and changes nothing. Throws on infrastructure failure, with
   * nothing committed, so the caller answers 5xx and Stripe redelivers.
   */
  async handleStripeEvent(event: Stripe.Event): Promise<StripeEventOutcome> {
    try {
      return await this.#handleStripeEvent(event, { fastPath: true });
    } catch (error) {
      // The one-statement completion hit a payment intent that already paid for another purchase,
      // which aborts the transaction; the careful path (with a savepoint) records it for review.
      if (isUniqueViolation(error, 'content_purchases_stripe_payment_intent_id_unique')) {
        return this.#handleStripeEvent(event, { fastPath: false });
      }
      throw error;
    }
  }

  async #handleStripeEvent(
    event: Stripe.Event,
    options: { fastPath: boolean },
  ): Promise<StripeEventOutcome> {
    // Which purchase a charge, refund or dispute belongs to may need a Stripe call: made before the
    // transaction, so no database transaction waits on the network.
    const moneyTarget = isMoneyEvent(event) ? await this.#resolveMoneyTarget(event) : undefined;
    const outcome = await this.#db.transaction(async (tx): Promise<StripeEventOutcome> => {
      const [inserted] = await tx
        .insert(stripeWebhookEvents)
        .values({ id: event.id, type: event.type, processedAt: this.#clock() })
        .onConflictDoNothing()
        .returning({ id: stripeWebhookEvents.id });
      if (!inserted) return { status: 'duplicate' };

      switch (event.type) {
        case 'checkout.session.completed':
        case 'checkout.session.async_payment_succeeded':
          return {
            status: 'processed',
            result: await this.#fulfillCheckout(tx, event.data.object, options),
          };
        case 'checkout.session.async_payment_failed':
        case 'checkout.session.expired':
          return { status: 'processed', result: await this.#fail(tx, event.data.object) };
        default:
          if (isMoneyEvent(event)) {
            if (!moneyTarget)
              return { status: 'processed', result: { status: 'unknown_purchase' } };
            const result = await this.#applyMoneyEvent(tx, event, moneyTarget);
            return result
              ? { status: 'processed', result }
              : { status: 'ignored', reason: 'unhandled_type' };
          }
          return { status: 'ignored', reason: 'unhandled_type' };
      }
    });
    // Logged after the commit: a line never claims a change that was rolled back.
    this.#logOutcome(outcome, { eventId: event.id, eventType: event.type });
    return outcome;
  }

  /**
   * The packet's integration point: completes the purchase behind a `checkout.session.completed`
   * session if it is paid and matches what was sold. Idempotent; see `FulfillmentResult`.
   */
  async handleCheckoutCompleted(session: CheckoutSessionSnapshot): Promise<FulfillmentResult> {
    const result = await this.#fulfillCheckout(this.#db, session);
    this.#logOutcome({ status: 'processed', result }, { source: 'direct' });
    return result;
  }

  /**
   * The success page's question: where is this customer's purchase for `sessionId`? Asks Stripe and
   * runs the same fulfillment, so access is granted the moment the buyer lands. Returns undefined
   * when the session is not one of this customer's purchases (the caller answers 404). Throws
   * `PurchaseError('PAYMENT_PROVIDER_ERROR')` if Stripe cannot be reached.
   */
  async confirmCheckoutSession(
    customerId: string,
    sessionId: string,
  ): Promise<
    { status: ContentPurchase['status']; purchaseId: string; contentId: string } | undefined
  > {
    const [purchase] = await this.#db
      .select({
        id: contentPurchases.id,
        contentId: contentPurchases.contentId,
        status: contentPurchases.status,
      })
      .from(contentPurchases)
      .where(
        and(
          eq(contentPurchases.stripeCheckoutSessionId, sessionId),
          eq(contentPurchases.customerId, customerId),
        ),
      )
      .limit(1);
    if (!purchase) return undefined;
    const answer = (status: ContentPurchase['status']) => ({
      status,
      purchaseId: purchase.id,
      contentId: purchase.contentId,
    });
    if (purchase.status !== 'pending') return answer(purchase.status);

    const session = await this.#retrieveSession(sessionId);
    const result =
      session.status === 'expired'
        ? await this.#fail(this.#db, session)
        : await this.#fulfillCheckout(this.#db, session);
    this.#logOutcome({ status: 'processed', result }, { source: 'confirmation' });
    switch (result.status) {
      case 'completed':
      case 'already_completed':
        return answer('completed');
      case 'failed':
        return answer('failed');
      case 'unchanged':
        return answer(result.purchaseStatus);
      default:
        return answer('pending');
    }
  }

  /**
   * Safety net for lost webhooks, safe to run concurrently with webhooks and with itself (every
   * change is conditional). Retires pending purchases that never got a session, asks Stripe about a
   * bounded batch of the oldest pending ones (skipping those flagged for review), completes the paid
   * ones through the same fulfillment and fails the expired ones; then prunes old inbox rows.
   */
  async reconcilePendingPurchases(options: ReconcileOptions = {}): Promise<ReconciliationSummary> {
    const now = this.#clock();
    const cutoff = new Date(now.getTime() - (options.olderThanMinutes ?? 15) * 60_000);
    const summary: ReconciliationSummary = {
      checked: 0,
      completed: 0,
      failed: 0,
      errors: 0,
      pruned: 0,
    };

    const abandoned = await this.#db
      .update(contentPurchases)
      .set({ status: 'failed' })
      .where(
        and(
          eq(contentPurchases.status, 'pending'),
          isNull(contentPurchases.stripeCheckoutSessionId),
          lt(contentPurchases.createdAt, cutoff),
        ),
      )
      .returning({ id: contentPurchases.id });
    summary.failed += abandoned.length;

    const batch = await this.#db
      .select({ id: contentPurchases.id, sessionId: contentPurchases.stripeCheckoutSessionId })
      .from(contentPurchases)
      .where(
        and(
          eq(contentPurchases.status, 'pending'),
          isNotNull(contentPurchases.stripeCheckoutSessionId),
          lt(contentPurchases.createdAt, cutoff),
          notExists(
            this.#db
              .select({ id: fulfillmentAnomalies.id })
              .from(fulfillmentAnomalies)
              .where(eq(fulfillmentAnomalies.purchaseId, contentPurchases.id)),
          ),
        ),
      )
      // Never-checked first, then least recently checked: purchases that stay pending for days
      // (bank debits) or keep failing cannot starve newer ones.
      .orderBy(
        sql`${contentPurchases.lastReconciledAt} ASC NULLS FIRST`,
        contentPurchases.createdAt,
      )
      .limit(options.batchSize ?? 50);

    for (const { id, sessionId } of batch) {
      if (!sessionId) continue;
      summary.checked++;
      await this.#db
        .update(contentPurchases)
        .set({ lastReconciledAt: now })
        .where(eq(contentPurchases.id, id));
      try {
        const session = await this.#retrieveSession(sessionId);
        const result =
          session.status === 'expired'
            ? await this.#fail(this.#db, session)
            : await this.#fulfillCheckout(this.#db, session);
        this.#logOutcome({ status: 'processed', result }, { source: 'reconciliation' });
        if (result.status === 'completed') summary.completed++;
        if (result.status === 'failed') summary.failed++;
      } catch (error) {
        summary.errors++;
        this.#logger.trackError(error, { operation: 'reconcile purchase', sessionId });
      }
    }

    const pruneBefore = new Date(now.getTime() - (options.pruneInboxAfterDays ?? 30) * 86_400_000);
    const pruned = await this.#db
      .delete(stripeWebhookEvents)
      .where(lt(stripeWebhookEvents.receivedAt, pruneBefore))
      .returning({ id: stripeWebhookEvents.id });
    summary.pruned = pruned.length;

    this.#logger.info('reconciliation finished', { ...summary });
    return summary;
  }

  /**
   * The purchase a charge, refund or dispute belongs to: by its payment intent id; else by the
   * purchase id in the object's metadata or, failing that, in the payment intent's metadata (set by
   * checkout through `payment_intent_data.metadata`), which covers events that arrive before the
   * purchase was completed and linked to its payment intent.
   */
  async #resolveMoneyTarget(
    event: MoneyEvent,
  ): Promise<{ purchaseId: string; paymentIntentId: string | undefined } | undefined> {
    const object = event.data.object;
    const paymentIntent = object.payment_intent;
    const paymentIntentId = typeof paymentIntent === 'string' ? paymentIntent : paymentIntent?.id;
    if (paymentIntentId) {
      const [linked] = await this.#db
        .select({ id: contentPurchases.id })
        .from(contentPurchases)
        .where(eq(contentPurchases.stripePaymentIntentId, paymentIntentId))
        .limit(1);
      if (linked) return { purchaseId: linked.id, paymentIntentId };
    }
    let claimedId = object.metadata?.purchaseId;
    if (!claimedId && paymentIntentId && this.#stripe) {
      try {
        const intent = await this.#stripe.paymentIntents.retrieve(paymentIntentId);
        claimedId = intent.metadata?.purchaseId;
      } catch (error) {
        // Not ours (another account's or a deleted object); anything else is retried by Stripe.
        if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404) {
          return undefined;
        }
        throw error;
      }
    }
    if (!claimedId || !UUID.test(claimedId)) return undefined;
    const [claimed] = await this.#db
      .select({ id: contentPurchases.id, paymentIntentId: contentPurchases.stripePaymentIntentId })
      .from(contentPurchases)
      .where(eq(contentPurchases.id, claimedId))
      .limit(1);
    // A purchase already paid by another payment intent is not this money's purchase.
    if (!claimed || (claimed.paymentIntentId && claimed.paymentIntentId !== paymentIntentId)) {
      return undefined;
    }
    return { purchaseId: claimed.id, paymentIntentId };
  }

  /**
   * Applies a refund or dispute event to its purchase under a row lock, and appends it to
   * `payment_events`. Works on pending purchases too: a refund or dispute that arrives before the
   * completion is kept, and the completion cannot grant access past it. Returns undefined for an
   * event that does not change money (a refund update that is not a failure, a dispute closing in
   * another state).
   */
  async #applyMoneyEvent(
    tx: DatabaseTransaction,
    event: MoneyEvent,
    target: { purchaseId: string; paymentIntentId: string | undefined },
  ): Promise<FulfillmentResult | undefined> {
    const [purchase] = await tx
      .select({
        id: contentPurchases.id,
        contentId: contentPurchases.contentId,
        status: contentPurchases.status,
        pricePaidCents: contentPurchases.pricePaidCents,
        amountRefundedCents: contentPurchases.amountRefundedCents,
        refundedAt: contentPurchases.refundedAt,
        disputeStatus: contentPurchases.disputeStatus,
        stripePaymentIntentId: contentPurchases.stripePaymentIntentId,
      })
      .from(contentPurchases)
      .where(eq(contentPurchases.id, target.purchaseId))
      .for('update');
    if (!purchase) return { status: 'unknown_purchase' };

    const now = this.#clock();
    let amountRefundedCents = purchase.amountRefundedCents;
    let disputeStatus: DisputeStatus | null = purchase.disputeStatus;
    let kind: PaymentEventKind;
    let amountCents: number | null;
    const object = event.data.object;

    switch (event.type) {
      case 'charge.refunded':
        // Stripe reports the charge's cumulative refunded amount, so order does not matter.
        kind = 'refund';
        amountCents = event.data.object.amount_refunded;
        amountRefundedCents = Math.max(amountRefundedCents, amountCents);
        break;
      case 'refund.failed':
      case 'refund.updated': {
        const refund = event.data.object;
        if (refund.status !== 'failed' && refund.status !== 'canceled') return undefined;
        kind = 'refund_failed';
        amountCents = refund.amount;
        // One failed refund is undone once, however many events report it.
        const [recorded] = await tx
          .insert(paymentEvents)
          .values({
            purchaseId: purchase.id,
            stripeEventId: event.id,
            stripeObjectId: refund.id,
            kind,
            amountCents,
          })
          .onConflictDoNothing()
          .returning({ id: paymentEvents.id });
        if (!recorded) {
          return {
            status: 'unchanged',
            purchaseId: purchase.id,
            contentId: purchase.contentId,
            purchaseStatus: purchase.status,
          };
        }
        amountRefundedCents = Math.max(0, amountRefundedCents - refund.amount);
        break;
      }
      case 'charge.dispute.created':
        kind = 'dispute_opened';
        amountCents = event.data.object.amount;
        disputeStatus = nextDisputeStatus(disputeStatus, 'created');
        break;
      case 'charge.dispute.closed': {
        const closedAs = event.data.object.status;
        // warning_closed: an inquiry that ended without a chargeback; the money stays.
        if (closedAs === 'lost') {
          kind = 'dispute_lost';
          disputeStatus = nextDisputeStatus(disputeStatus, 'lost');
        } else if (closedAs === 'won' || closedAs === 'warning_closed') {
          kind = 'dispute_won';
          disputeStatus = nextDisputeStatus(disputeStatus, 'won');
        } else {
          return undefined;
        }
        amountCents = event.data.object.amount;
        break;
      }
      case 'charge.dispute.funds_withdrawn':
        kind = 'dispute_funds_withdrawn';
        amountCents = event.data.object.amount;
        break;
      case 'charge.dispute.funds_reinstated':
        kind = 'dispute_funds_reinstated';
        amountCents = event.data.object.amount;
        break;
      default:
        return undefined;
    }

    if (kind !== 'refund_failed') {
      await tx.insert(paymentEvents).values({
        purchaseId: purchase.id,
        stripeEventId: event.id,
        stripeObjectId: object.id,
        kind,
        amountCents,
      });
    }
    const refundedAt = isAccessRevokingRefund(amountRefundedCents, purchase.pricePaidCents)
      ? (purchase.refundedAt ?? now)
      : null;
    await tx
      .update(contentPurchases)
      .set({
        amountRefundedCents,
        refundedAt,
        disputeStatus,
        ...(disputeStatus !== purchase.disputeStatus ? { disputeUpdatedAt: now } : {}),
        ...(!purchase.stripePaymentIntentId && target.paymentIntentId
          ? { stripePaymentIntentId: target.paymentIntentId }
          : {}),
      })
      .where(eq(contentPurchases.id, purchase.id));

    const before = grantsAccess(purchase);
    const after = grantsAccess({ status: purchase.status, refundedAt, disputeStatus });
    return {
      status: 'payment_event_recorded',
      purchaseId: purchase.id,
      contentId: purchase.contentId,
      kind,
      access: before === after ? 'unchanged' : after ? 'granted' : 'revoked',
    };
  }

  async #retrieveSession(sessionId: string): Promise<Stripe.Checkout.Session> {
    if (!this.#stripe) throw paymentProviderNotConfigured();
    try {
      return await this.#stripe.checkout.sessions.retrieve(sessionId);
    } catch (error) {
      throw new PurchaseError('PAYMENT_PROVIDER_ERROR', 'The payment provider is unavailable', {
        cause: error,
      });
    }
  }

  /** The purchase a session belongs to: by session id, else by the purchase id it carries. */
  async #findPurchase(
    db: Executor,
    session: CheckoutSessionSnapshot,
  ): Promise<PurchaseRow | undefined> {
    const claimedId = session.client_reference_id ?? session.metadata?.purchaseId;
    const byClaimedId =
      claimedId && UUID.test(claimedId) ? eq(contentPurchases.id, claimedId) : undefined;
    const rows = await db
      .select({
        id: contentPurchases.id,
        customerId: contentPurchases.customerId,
        contentId: contentPurchases.contentId,
        status: contentPurchases.status,
        pricePaidCents: contentPurchases.pricePaidCents,
        currency: contentPurchases.currency,
        stripeCheckoutSessionId: contentPurchases.stripeCheckoutSessionId,
      })
      .from(contentPurchases)
      .where(
        byClaimedId
          ? or(eq(contentPurchases.stripeCheckoutSessionId, session.id), byClaimedId)
          : eq(contentPurchases.stripeCheckoutSessionId, session.id),
      )
      .limit(2);
    return rows.find((row) => row.stripeCheckoutSessionId === session.id) ?? rows[0];
  }

  /** Which id of the session disagrees with the purchase, if any. */
  #linkageProblem(purchase: PurchaseRow, session: CheckoutSessionSnapshot): string | undefined {
    if (purchase.stripeCheckoutSessionId && purchase.stripeCheckoutSessionId !== session.id) {
      return 'purchase is linked to another checkout session';
    }
    if (session.client_reference_id && session.client_reference_id !== purchase.id) {
      return 'client_reference_id names another purchase';
    }
    const metadata = session.metadata ?? {};
    if (metadata.purchaseId && metadata.purchaseId !== purchase.id)
      return 'metadata.purchaseId differs';
    if (metadata.contentId && metadata.contentId !== purchase.contentId)
      return 'metadata.contentId differs';
    if (metadata.customerId && metadata.customerId !== purchase.customerId) {
      return 'metadata.customerId differs';
    }
    return undefined;
  }

  async #fulfillCheckout(
    db: Executor,
    session: CheckoutSessionSnapshot,
    options: { fastPath: boolean } = { fastPath: true },
  ): Promise<FulfillmentResult> {
    if (options.fastPath) {
      try {
        const completed = await this.#completeIfEverythingMatches(db, session);
        if (completed) return { status: 'completed', ...completed };
      } catch (error) {
        // Outside a transaction a failed statement spoils nothing: let the careful path diagnose a
        // payment intent collision. Inside one, the caller retries without the fast path.
        const isCollision = isUniqueViolation(
          error,
          'content_purchases_stripe_payment_intent_id_unique',
        );
        if (!(isCollision && db === this.#db)) throw error;
      }
    }
    const purchase = await this.#findPurchase(db, session);
    if (!purchase) return { status: 'unknown_purchase' };
    const ids = { purchaseId: purchase.id, contentId: purchase.contentId };

    const linkage = this.#linkageProblem(purchase, session);
    if (linkage) {
      return this.#flag(db, session, purchase.id, 'linkage_mismatch', { problem: linkage });
    }
    if (purchase.status === 'completed') return { status: 'already_completed', ...ids };
    const isPaid = PAID_STATUSES.has(session.payment_status);
    if (purchase.status !== 'pending') {
      // Money taken for a purchase we already gave up on: a person must refund or grant it.
      if (isPaid && purchase.pricePaidCents > 0) {
        return this.#flag(db, session, purchase.id, 'paid_after_failure', {
          purchaseStatus: purchase.status,
        });
      }
      return { status: 'unchanged', ...ids, purchaseStatus: purchase.status };
    }
    if (!isPaid) return { status: 'awaiting_payment', ...ids };
    if (session.amount_total !== purchase.pricePaidCents) {
      return this.#flag(db, session, purchase.id, 'amount_mismatch', {
        expected: purchase.pricePaidCents,
        received: session.amount_total,
      });
    }
    if (session.currency?.toLowerCase() !== purchase.currency) {
      return this.#flag(db, session, purchase.id, 'currency_mismatch', {
        expected: purchase.currency,
        received: session.currency,
      });
    }

    const paymentIntentId =
      typeof session.payment_intent === 'string'
        ? session.payment_intent
        : session.payment_intent?.id;
    try {
      // In its own savepoint (or transaction): a unique violation must not abort the caller's
      // transaction, which still has to record the anomaly and the inbox row.
      const completed = await db.transaction((savepoint) =>
        savepoint
          .update(contentPurchases)
          .set({
            status: 'completed',
            purchasedAt: this.#clock(),
            stripeCheckoutSessionId: session.id,
            ...(paymentIntentId ? { stripePaymentIntentId: paymentIntentId } : {}),
          })
          .where(and(eq(contentPurchases.id, purchase.id), eq(contentPurchases.status, 'pending')))
          .returning({ id: contentPurchases.id }),
      );
      if (completed.length > 0) return { status: 'completed', ...ids };
    } catch (error) {
      if (isUniqueViolation(error)) {
        return this.#flag(db, session, purchase.id, 'linkage_mismatch', {
          problem: 'payment intent or session already belongs to another purchase',
        });
      }
      throw error;
    }
    // Lost a race with another trigger: report what it left.
    return this.#settledResult(db, purchase.id, ids);
  }

  /**
   * The common case in one statement: a paid session whose purchase is pending, linked to it, and
   * agrees on amount, currency and every id the session carries. Any disagreement matches no row and
   * leaves the diagnosis (and the anomaly record) to the careful path.
   */
  async #completeIfEverythingMatches(
    db: Executor,
    session: CheckoutSessionSnapshot,
  ): Promise<{ purchaseId: string; contentId: string } | undefined> {
    if (!PAID_STATUSES.has(session.payment_status) || session.amount_total === null)
      return undefined;
    if (!session.currency) return undefined;
    const metadata = session.metadata ?? {};
    const claimedIds = [session.client_reference_id, metadata.purchaseId].filter(
      (value): value is string => Boolean(value),
    );
    const uuids = [...claimedIds, metadata.contentId].filter((value): value is string =>
      Boolean(value),
    );
    if (uuids.some((value) => !UUID.test(value))) return undefined;
    const paymentIntentId =
      typeof session.payment_intent === 'string'
        ? session.payment_intent
        : session.payment_intent?.id;
    const [row] = await db
      .update(contentPurchases)
      .set({
        status: 'completed',
        purchasedAt: this.#clock(),
        ...(paymentIntentId ? { stripePaymentIntentId: paymentIntentId } : {}),
      })
      .where(
        and(
          eq(contentPurchases.stripeCheckoutSessionId, session.id),
          eq(contentPurchases.status, 'pending'),
          eq(contentPurchases.pricePaidCents, session.amount_total),
          eq(contentPurchases.currency, session.currency.toLowerCase()),
          ...claimedIds.map((id) => eq(contentPurchases.id, id)),
          ...(metadata.contentId ? [eq(contentPurchases.contentId, metadata.contentId)] : []),
          ...(metadata.customerId ? [eq(contentPurchases.customerId, metadata.customerId)] : []),
        ),
      )
      .returning({ purchaseId: contentPurchases.id, contentId: contentPurchases.contentId });
    return row;
  }

  async #fail(db: Executor, session: CheckoutSessionSnapshot): Promise<FulfillmentResult> {
    const purchase = await this.#findPurchase(db, session);
    if (!purchase) return { status: 'unknown_purchase' };
    const ids = { purchaseId: purchase.id, contentId: purchase.contentId };
    // Failing needs the exact session: an event about another session never fails this purchase.
    if (purchase.stripeCheckoutSessionId !== session.id) {
      return { status: 'unchanged', ...ids, purchaseStatus: purchase.status };
    }
    const failed = await db
      .update(contentPurchases)
      .set({ status: 'failed' })
      .where(and(eq(contentPurchases.id, purchase.id), eq(contentPurchases.status, 'pending')))
      .returning({ id: contentPurchases.id });
    if (failed.length > 0) return { status: 'failed', ...ids };
    return this.#settledResult(db, purchase.id, ids);
  }

  async #settledResult(
    db: Executor,
    purchaseId: string,
    ids: { purchaseId: string; contentId: string },
  ): Promise<FulfillmentResult> {
    const [row] = await db
      .select({ status: contentPurchases.status })
      .from(contentPurchases)
      .where(eq(contentPurchases.id, purchaseId));
    const purchaseStatus = row?.status ?? 'failed';
    return purchaseStatus === 'completed'
      ? { status: 'already_completed', ...ids }
      : { status: 'unchanged', ...ids, purchaseStatus };
  }

  async #flag(
    db: Executor,
    session: CheckoutSessionSnapshot,
    purchaseId: string | undefined,
    kind: FulfillmentAnomalyKind,
    details: Record<string, unknown>,
  ): Promise<FulfillmentResult> {
    await db
      .insert(fulfillmentAnomalies)
      .values({ purchaseId: purchaseId ?? null, stripeObjectId: session.id, kind, details })
      .onConflictDoNothing();
    return { status: 'flagged', purchaseId, kind };
  }

  #logOutcome(outcome: StripeEventOutcome, context: Record<string, unknown>): void {
    if (outcome.status !== 'processed') {
      this.#logger.info(`stripe event ${outcome.status}`, context);
      return;
    }
    const { result } = outcome;
    switch (result.status) {
      case 'completed':
        this.#logger.info('purchase completed', { ...context, ...result });
        return;
      case 'failed':
        this.#logger.info('purchase failed', { ...context, ...result });
        return;
      case 'flagged':
        this.#logger.error('payment does not match its purchase; flagged for review', {
          ...context,
          ...result,
        });
        return;
      case 'unknown_purchase':
        this.#logger.warn('event references no purchase of ours', context);
        return;
      case 'payment_event_recorded':
        this.#logger.info('payment event recorded', { ...context, ...result });
        return;
      default:
        this.#logger.info(`fulfillment ${result.status}`, { ...context, ...result });
    }
  }
}
