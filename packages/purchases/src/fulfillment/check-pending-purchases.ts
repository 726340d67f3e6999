import {
  and,
  contentPurchases,
  eq,
  fulfillmentAnomalies,
  isNotNull,
  isNull,
  lt,
  notExists,
  or,
  sql,
} from '@codex/database';
import Stripe from 'stripe';
import { type FulfillmentContext, type FulfillmentResult, logOutcome } from './context';
import type { ReconciliationSummary } from './reconcile';
import type { RunBudget, StopReason } from './run-budget';
import { retrieveSession, settleSession } from './settle-session';

/**
 * Reads the session of the pending purchases least recently checked, oldest check first (skipping
 * those with an unresolved anomaly), within the run's budget: completes paid ones, fails expired
 * ones, delayed payments that failed, and sessions Stripe does not know.
 */
export async function checkPendingPurchases(
  ctx: FulfillmentContext,
  budget: RunBudget,
  summary: ReconciliationSummary,
  { cutoff, runStart }: { cutoff: Date; runStart: Date },
): Promise<StopReason> {
  for (;;) {
    const refusal = budget.refusal(1);
    if (refusal) return refusal;
    // One at a time: the least recently checked first (never-checked before all), so purchases
    // that stay pending for days (bank debits) cannot starve newer ones, and a run that stops
    // early resumes with the next one.
    const [next] = await ctx.db
      .update(contentPurchases)
      .set({ lastReconciledAt: ctx.clock() })
      .where(
        eq(
          contentPurchases.id,
          ctx.db
            .select({ id: contentPurchases.id })
            .from(contentPurchases)
            .where(
              and(
                eq(contentPurchases.status, 'pending'),
                isNotNull(contentPurchases.stripeCheckoutSessionId),
                lt(contentPurchases.createdAt, cutoff),
                // Checked in this run already: the rotation has come round.
                or(
                  isNull(contentPurchases.lastReconciledAt),
                  lt(contentPurchases.lastReconciledAt, runStart),
                ),
                notExists(
                  ctx.db
                    .select({ id: fulfillmentAnomalies.id })
                    .from(fulfillmentAnomalies)
                    .where(
                      and(
                        eq(fulfillmentAnomalies.purchaseId, contentPurchases.id),
                        isNull(fulfillmentAnomalies.resolvedAt),
                      ),
                    ),
                ),
              ),
            )
            .orderBy(
              sql`${contentPurchases.lastReconciledAt} ASC NULLS FIRST`,
              contentPurchases.createdAt,
            )
            .limit(1)
            .for('update', { skipLocked: true }),
        ),
      )
      .returning({ id: contentPurchases.id, sessionId: contentPurchases.stripeCheckoutSessionId });
    if (!next?.sessionId) return 'done';
    summary.checked++;
    try {
      const session = await retrieveSession(ctx, next.sessionId).catch((error: unknown) => {
        if (isUnknownToStripe(error)) return undefined;
        throw error;
      });
      budget.succeeded();
      const result = session
        ? await settleSession(ctx, session)
        : await failUnknownSession(ctx, next.id, next.sessionId);
      logOutcome(ctx.logger, { status: 'processed', result }, { source: 'reconciliation' });
      if (result.status === 'completed') summary.completed++;
      if (result.status === 'failed') summary.failed++;
    } catch (error) {
      budget.failed();
      summary.errors++;
      ctx.logger.trackError(error, { operation: 'reconcile purchase', purchaseId: next.id });
    }
  }
}

/** A definite "no such session" (not an outage): the purchase can never be paid. */
function isUnknownToStripe(error: unknown): boolean {
  const cause = error instanceof Error ? error.cause : undefined;
  return cause instanceof Stripe.errors.StripeInvalidRequestError && cause.statusCode === 404;
}

async function failUnknownSession(
  ctx: FulfillmentContext,
  purchaseId: string,
  sessionId: string,
): Promise<FulfillmentResult> {
  const [failed] = await ctx.db
    .update(contentPurchases)
    .set({ status: 'failed' })
    .where(
      and(
        eq(contentPurchases.id, purchaseId),
        eq(contentPurchases.status, 'pending'),
        eq(contentPurchases.stripeCheckoutSessionId, sessionId),
      ),
    )
    .returning({ purchaseId: contentPurchases.id, contentId: contentPurchases.contentId });
  return failed ? { status: 'failed', ...failed } : { status: 'unknown_purchase' };
}
