import { and, type ContentPurchase, contentPurchases, eq, isNull, lt, or } from '@codex/database';
import { type FulfillmentContext, logOutcome } from './context';
import { retrieveSession, settleSession } from './settle-session';

/** The success page polls; Stripe is asked about one purchase at most this often. */
export const CONFIRMATION_MIN_INTERVAL_MS = 2_000;

/** What the success page is told. */
export interface CheckoutConfirmation {
  status: ContentPurchase['status'];
  purchaseId: string;
  contentId: string;
}

/**
 * The success page's question: where is this customer's purchase for `sessionId`? A pending one is
 * settled from Stripe through the same fulfillment as the webhook, so access is granted the moment
 * the buyer lands; Stripe is asked at most once per {@link CONFIRMATION_MIN_INTERVAL_MS} per
 * purchase (a conditional update claims the turn), other polls answer from the database. Returns
 * undefined when the session is not one of this customer's purchases. Throws
 * `PurchaseError('PAYMENT_PROVIDER_ERROR')` if Stripe cannot be reached.
 */
export async function confirmCheckoutSession(
  ctx: FulfillmentContext,
  customerId: string,
  sessionId: string,
): Promise<CheckoutConfirmation | undefined> {
  const [purchase] = await ctx.db
    .select({
      purchaseId: contentPurchases.id,
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
  if (purchase.status !== 'pending') return purchase;

  const now = ctx.clock();
  const claimed = await ctx.db
    .update(contentPurchases)
    .set({ lastReconciledAt: now })
    .where(
      and(
        eq(contentPurchases.id, purchase.purchaseId),
        eq(contentPurchases.status, 'pending'),
        or(
          isNull(contentPurchases.lastReconciledAt),
          lt(
            contentPurchases.lastReconciledAt,
            new Date(now.getTime() - CONFIRMATION_MIN_INTERVAL_MS),
          ),
        ),
      ),
    )
    .returning({ id: contentPurchases.id });
  if (claimed.length === 0) return purchase; // asked Stripe moments ago: the answer stands

  const result = await settleSession(ctx, await retrieveSession(ctx, sessionId));
  logOutcome(ctx.logger, { status: 'processed', result }, { source: 'confirmation' });
  switch (result.status) {
    case 'completed':
    case 'already_completed':
      return { ...purchase, status: 'completed' };
    case 'failed':
      return { ...purchase, status: 'failed' };
    case 'unchanged':
      return { ...purchase, status: result.purchaseStatus };
    default:
      return purchase;
  }
}
