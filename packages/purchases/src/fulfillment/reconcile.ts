import { and, contentPurchases, eq, isNull, lt, stripeWebhookEvents } from '@codex/database';
import { checkPendingPurchases } from './check-pending-purchases';
import type { FulfillmentContext, StripeEventOutcome } from './context';
import { requireStripe } from './require-stripe';
import { RunBudget, type StopReason } from './run-budget';
import { sweepUndeliveredEvents } from './sweep-undelivered-events';

export interface ReconcileOptions {
  /** Only purchases pending for longer than this are checked. Default 15. */
  olderThanMinutes?: number;
  /** Inbox rows older than this are deleted. Default 30 (Stripe keeps events for 30 days). */
  pruneInboxAfterDays?: number;
  /**
   * Stripe calls one run may make. Default 40: the Workers Free plan allows 50 subrequests per
   * invocation, and the database connection and the log flush need a few.
   */
  stripeCallBudget?: number;
  /** Wall-clock time after which no new step starts. Default 20 s. */
  timeBudgetMs?: number;
  /** Events page size for the missed-events sweep. Default 100 (Stripe's maximum). */
  eventsPageSize?: number;
}

export interface ReconciliationSummary {
  /** Pending purchases whose session was read from Stripe. */
  checked: number;
  completed: number;
  failed: number;
  /** Undelivered Stripe events handled from the events sweep (not already in the inbox). */
  eventsRecovered: number;
  errors: number;
  pruned: number;
  stripeCalls: number;
  stoppedBy: StopReason;
}

/**
 * Settles what Stripe knows and our database missed, within a Stripe-call and a time budget, and
 * resumes where the previous run stopped. Safe to run concurrently with webhooks and with itself
 * (every change is conditional, every event goes through the exactly-once inbox):
 * 1. retires pending purchases that never got a session;
 * 2. sweeps Stripe's undelivered events (`delivery_success: false`, the handled types) through
 *    `handleEvent`, up to half the budget: lost refunds, disputes and completions;
 * 3. reads the session of the pending purchases least recently checked (skipping those with an
 *    unresolved anomaly): completes paid ones, fails expired ones and delayed payments that failed;
 * 4. continues the sweep with what is left, then prunes old inbox rows.
 */
export async function reconcile(
  ctx: FulfillmentContext,
  handleEvent: (event: unknown) => Promise<StripeEventOutcome>,
  options: ReconcileOptions = {},
): Promise<ReconciliationSummary> {
  const stripe = requireStripe(ctx);
  const now = ctx.clock();
  const budget = new RunBudget({
    stripe,
    stripeCalls: options.stripeCallBudget ?? 40,
    timeMs: options.timeBudgetMs ?? 20_000,
    clock: ctx.clock,
  });
  const summary: ReconciliationSummary = {
    checked: 0,
    completed: 0,
    failed: 0,
    eventsRecovered: 0,
    errors: 0,
    pruned: 0,
    stripeCalls: 0,
    stoppedBy: 'done',
  };
  const cutoff = new Date(now.getTime() - (options.olderThanMinutes ?? 15) * 60_000);
  try {
    const abandoned = await ctx.db
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

    const sweep = {
      ctx,
      stripe,
      budget,
      summary,
      handleEvent,
      pageSize: options.eventsPageSize ?? 100,
    };
    const firstSweep = await sweepUndeliveredEvents({ ...sweep, cap: budget.half });
    const pending = await checkPendingPurchases(ctx, budget, summary, { cutoff, runStart: now });
    summary.stoppedBy =
      firstSweep === 'done' && pending === 'done'
        ? 'done'
        : await sweepUndeliveredEvents({ ...sweep, cap: Number.POSITIVE_INFINITY });
    if (pending !== 'done' && summary.stoppedBy === 'done') summary.stoppedBy = pending;

    const pruneBefore = new Date(now.getTime() - (options.pruneInboxAfterDays ?? 30) * 86_400_000);
    const pruned = await ctx.db
      .delete(stripeWebhookEvents)
      .where(lt(stripeWebhookEvents.receivedAt, pruneBefore))
      .returning({ id: stripeWebhookEvents.id });
    summary.pruned = pruned.length;
  } finally {
    budget.close();
    summary.stripeCalls = budget.stripeCalls;
  }
  ctx.logger.info('reconciliation finished', { ...summary });
  return summary;
}
