import {
  and,
  contentPurchases,
  type DatabaseTransaction,
  eq,
  isUniqueViolation,
  refundEndsAccess,
} from '@codex/database';
import { enqueueConfirmationEmail } from '../outbox/enqueue-emails';
import type { Executor, FulfillmentContext, FulfillmentResult, PurchaseIds } from './context';
import { findSessionPurchase, linkageProblem } from './find-session-purchase';
import { flagAnomaly } from './flag-anomaly';
import { measureFlaggedPayment } from './flagged-payment';
import { failForeignDiscount, isForeignDiscount } from './foreign-discount';
import { recordStripeCustomer } from './record-stripe-customer';
import {
  amountProblem,
  completionAmounts,
  FOREIGN_DISCOUNT,
  isPaid,
  matchesSessionAmounts,
  sessionAmounts,
} from './session-amounts';
import { lockBuyerItemPurchases, settleBuyerItem } from './settle-buyer-item';
import { type CheckoutSessionSnapshot, idOf, isUuid } from './stripe-events';

/**
 * Completes the purchase behind a paid session if it is still pending and the session matches what
 * was sold (currency, every id it carries, and the amounts: `amountProblem` in session-amounts.ts),
 * recording what was charged; otherwise changes nothing, flags a mismatch
 * for review, or (an unpaid session of a delayed method) stops offering its checkout URL again.
 * The completion queues the buyer's confirmation e-mail and records the session's Stripe Customer
 * as the buyer's in the same transaction ({@link recordCompletion}). Idempotent. `fastPath` tries the common case in one statement first; inside a transaction a
 * payment intent collision there aborts the transaction, so the caller retries without it.
 */
export async function fulfillCheckout(
  ctx: FulfillmentContext,
  db: Executor,
  session: CheckoutSessionSnapshot,
  options: { fastPath: boolean } = { fastPath: true },
): Promise<FulfillmentResult> {
  if (options.fastPath) {
    try {
      // A transaction (a savepoint inside the caller's): the completion and its confirmation
      // e-mail commit together even when the success page calls this outside one.
      const completed = await db.transaction(async (tx) => {
        const ids = await completeIfEverythingMatches(ctx, tx, session);
        if (ids) await recordCompletion(ctx, tx, ids.purchaseId, session);
        return ids;
      });
      if (completed) return { status: 'completed', ...completed };
    } catch (error) {
      // Outside a transaction a failed statement spoils nothing: let the careful path diagnose a
      // payment intent collision. Inside one, the caller retries without the fast path.
      const isCollision = isUniqueViolation(
        error,
        'content_purchases_stripe_payment_intent_id_unique',
      );
      if (!(isCollision && db === ctx.db)) throw error;
    }
  }
  const purchase = await findSessionPurchase(db, session);
  if (!purchase) return { status: 'unknown_purchase' };
  const ids = { purchaseId: purchase.id, contentId: purchase.contentId };

  const linkage = linkageProblem(purchase, session);
  if (linkage)
    return flagAnomaly(db, session.id, purchase.id, 'linkage_mismatch', { problem: linkage });
  if (purchase.status === 'completed') return { status: 'already_completed', ...ids };
  if (purchase.status !== 'pending') {
    // Money taken for a purchase we already gave up on: a person must refund or grant it (unless
    // it was failed for a foreign discount, which is refunded automatically).
    const amounts = sessionAmounts(session);
    // Nothing to do for a person either when its payment was refunded in full (a payment held for
    // review that the merchant refunded: see `measureFlaggedPayment`).
    if (
      isPaid(session) &&
      purchase.pricePaidCents > 0 &&
      !isForeignDiscount(purchase, amounts) &&
      !refundEndsAccess(purchase)
    ) {
      return flagAnomaly(db, session.id, purchase.id, 'paid_after_failure', {
        purchaseStatus: purchase.status,
      });
    }
    return { status: 'unchanged', ...ids, purchaseStatus: purchase.status };
  }
  if (!isPaid(session)) {
    if (session.status === 'complete') {
      // A delayed method is being settled: the URL is no longer payable, so a second "buy" must
      // ask Stripe (and learn whether the payment failed) instead of handing that URL out again.
      await db
        .update(contentPurchases)
        .set({ stripeCheckoutUrl: null, stripeCheckoutExpiresAt: null })
        .where(and(eq(contentPurchases.id, purchase.id), eq(contentPurchases.status, 'pending')));
    }
    return { status: 'awaiting_payment', ...ids };
  }
  if (session.currency?.toLowerCase() !== purchase.currency) {
    return flagForReview(ctx, db, session, purchase.id, 'currency_mismatch', {
      expected: purchase.currency,
      received: session.currency ?? null,
    });
  }
  const amounts = sessionAmounts(session);
  const problem = amounts ? amountProblem(purchase, amounts) : 'no amount_total';
  if (problem === FOREIGN_DISCOUNT && amounts) {
    return failForeignDiscount(db, session, purchase, amounts);
  }
  if (problem || !amounts) {
    // Stays pending, no access: a person reads the problem, what was sold and what Stripe showed.
    // `expected` / `received` keep their meaning from before discounts and tax (price, total).
    return flagForReview(ctx, db, session, purchase.id, 'amount_mismatch', {
      problem,
      expected: purchase.pricePaidCents,
      received: session.amount_total ?? null,
      terms: {
        promotionCodeId: purchase.promotionCodeId,
        allowFullyDiscounted: purchase.allowFullyDiscounted,
        taxBehavior: purchase.taxBehavior,
      },
      session: amounts ?? null,
    });
  }

  const paymentIntentId = idOf(session.payment_intent);
  try {
    // In its own savepoint (or transaction): a unique violation must not abort the caller's
    // transaction, which still has to record the anomaly and the inbox row.
    const completed = await db.transaction(async (savepoint) => {
      const rows = await savepoint
        .update(contentPurchases)
        .set({
          status: 'completed',
          purchasedAt: ctx.clock(),
          stripeCheckoutSessionId: session.id,
          ...(paymentIntentId ? { stripePaymentIntentId: paymentIntentId } : {}),
          ...completionAmounts(amounts, ctx.clock()),
        })
        .where(and(eq(contentPurchases.id, purchase.id), eq(contentPurchases.status, 'pending')))
        .returning({ id: contentPurchases.id });
      if (rows.length > 0) await recordCompletion(ctx, savepoint, purchase.id, session);
      return rows;
    });
    if (completed.length > 0) return { status: 'completed', ...ids };
  } catch (error) {
    if (isUniqueViolation(error)) {
      return flagAnomaly(db, session.id, purchase.id, 'linkage_mismatch', {
        problem: 'payment intent or session already belongs to another purchase',
      });
    }
    throw error;
  }
  // Lost a race with another trigger: report what it left.
  return settledResult(db, ids);
}

/**
 * Fails the pending purchase of exactly this session (expired, or its delayed payment failed).
 * An event about another session never fails a purchase; a purchase that is no longer pending is
 * left as it is.
 */
export async function failCheckout(
  ctx: FulfillmentContext,
  db: Executor,
  session: CheckoutSessionSnapshot,
): Promise<FulfillmentResult> {
  const purchase = await findSessionPurchase(db, session);
  if (!purchase) return { status: 'unknown_purchase' };
  const ids = { purchaseId: purchase.id, contentId: purchase.contentId };
  if (purchase.stripeCheckoutSessionId !== session.id) {
    return { status: 'unchanged', ...ids, purchaseStatus: purchase.status };
  }
  const fail = async (tx: DatabaseTransaction) => {
    // Locked in the one order first: failing frees the slot, which may go back to a payment kept
    // revoked for this checkout (its refund failed while this one was being paid).
    await lockBuyerItemPurchases(tx, purchase.id);
    const failed = await tx
      .update(contentPurchases)
      .set({ status: 'failed' })
      .where(and(eq(contentPurchases.id, purchase.id), eq(contentPurchases.status, 'pending')))
      .returning({ id: contentPurchases.id });
    if (failed.length > 0) await settleBuyerItem(ctx, tx, purchase.id);
    return failed.length > 0;
  };
  const didFail =
    db === ctx.db ? await ctx.db.transaction(fail) : await fail(db as DatabaseTransaction);
  if (didFail) return { status: 'failed', ...ids };
  return settledResult(db, ids);
}

/**
 * The common case in one statement: a paid session whose purchase is pending, linked to it, and
 * agrees on currency, every id the session carries and the amounts (`matchesSessionAmounts`). Any disagreement matches no row and
 * leaves the diagnosis (and the anomaly record) to the careful path.
 */
async function completeIfEverythingMatches(
  ctx: FulfillmentContext,
  db: Executor,
  session: CheckoutSessionSnapshot,
): Promise<PurchaseIds | undefined> {
  const amounts = sessionAmounts(session);
  if (!isPaid(session) || !amounts || !session.currency) return undefined;
  const metadata = session.metadata ?? {};
  const claimedIds = [session.client_reference_id, metadata.purchaseId].filter(
    (value): value is string => Boolean(value),
  );
  const uuids = [...claimedIds, metadata.contentId].filter((value): value is string =>
    Boolean(value),
  );
  if (uuids.some((value) => !isUuid(value))) return undefined;
  const paymentIntentId = idOf(session.payment_intent);
  const [row] = await db
    .update(contentPurchases)
    .set({
      status: 'completed',
      purchasedAt: ctx.clock(),
      ...(paymentIntentId ? { stripePaymentIntentId: paymentIntentId } : {}),
      ...completionAmounts(amounts, ctx.clock()),
    })
    .where(
      and(
        eq(contentPurchases.stripeCheckoutSessionId, session.id),
        eq(contentPurchases.status, 'pending'),
        matchesSessionAmounts(amounts),
        eq(contentPurchases.currency, session.currency.toLowerCase()),
        ...claimedIds.map((id) => eq(contentPurchases.id, id)),
        ...(metadata.contentId ? [eq(contentPurchases.contentId, metadata.contentId)] : []),
        ...(metadata.customerId ? [eq(contentPurchases.customerId, metadata.customerId)] : []),
      ),
    )
    .returning({ purchaseId: contentPurchases.id, contentId: contentPurchases.contentId });
  return row;
}

/**
 * Flags a paid session that does not match its purchase (which stays pending, for a person to
 * review) and measures the refunds that arrived before against what the session charged
 * (`measureFlaggedPayment`: refunded in full, the purchase is failed).
 */
async function flagForReview(
  ctx: FulfillmentContext,
  db: Executor,
  session: CheckoutSessionSnapshot,
  purchaseId: string,
  kind: 'amount_mismatch' | 'currency_mismatch',
  details: Record<string, unknown>,
): Promise<FulfillmentResult> {
  const result = await flagAnomaly(db, session.id, purchaseId, kind, details);
  if (session.amount_total != null) {
    await measureFlaggedPayment(db, purchaseId, session.amount_total, ctx.clock());
  }
  return result;
}

async function settledResult(db: Executor, ids: PurchaseIds): Promise<FulfillmentResult> {
  const [row] = await db
    .select({ status: contentPurchases.status })
    .from(contentPurchases)
    .where(eq(contentPurchases.id, ids.purchaseId));
  const purchaseStatus = row?.status ?? 'failed';
  return purchaseStatus === 'completed'
    ? { status: 'already_completed', ...ids }
    : { status: 'unchanged', ...ids, purchaseStatus };
}

/**
 * What a completion writes beside the purchase, in its transaction: the buyer's confirmation
 * e-mail (`enqueueConfirmationEmail`) and the session's Stripe Customer as the buyer's
 * (`recordStripeCustomer`: the one Checkout created on a first checkout).
 */
async function recordCompletion(
  ctx: FulfillmentContext,
  db: Executor,
  purchaseId: string,
  session: CheckoutSessionSnapshot,
): Promise<void> {
  await enqueueConfirmationEmail(db, purchaseId, ctx.clock());
  await recordStripeCustomer(db, purchaseId, idOf(session.customer));
}
