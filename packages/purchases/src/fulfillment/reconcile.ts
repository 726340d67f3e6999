import {
  and,
  contentPurchases,
  eq,
  fulfillmentAnomalies,
  inArray,
  isNotNull,
  isNull,
  lt,
  notExists,
  or,
  reconciliationCursors,
  sql,
  stripeWebhookEvents,
} from '@codex/database';
import Stripe from 'stripe';
import {
  type FulfillmentContext,
  type FulfillmentResult,
  logOutcome,
  type StripeEventOutcome,
} from './context';
import { requireStripe } from './require-stripe';
import { RunBudget, type StopReason } from './run-budget';
import { retrieveSession, settleSession } from './settle-session';
import { handledStripeEventTypes } from './stripe-events';

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

/** How a pass through Stripe's undelivered events stands between runs. */
interface EventSweepState {
  /** Unix seconds: events created from here on are listed. */
  since: number;
  /** Unix seconds when the current sweep began (the next sweep starts from it). */
  startedAt?: number;
  /** The last event handled in the current sweep (Stripe lists newest first). */
  startingAfter?: string;
}

const EVENTS_CURSOR = 'stripe_undelivered_events';
// Stripe keeps events for 30 days: the first sweep looks that far back.
const EVENT_RETENTION_SECONDS = 30 * 86_400;
// Clocks differ: each sweep overlaps the previous one by this much.
const SWEEP_OVERLAP_SECONDS = 300;
// A handled event may read Stripe twice (its purchase through the payment intent, a refund list).
const MAX_STRIPE_CALLS_PER_EVENT = 2;

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

async function checkPendingPurchases(
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

interface SweepOptions {
  ctx: FulfillmentContext;
  stripe: Stripe;
  budget: RunBudget;
  summary: ReconciliationSummary;
  handleEvent: (event: unknown) => Promise<StripeEventOutcome>;
  pageSize: number;
  /** Stripe calls the run may have made when this sweep stops. */
  cap: number;
}

/**
 * Pages through Stripe's undelivered events, newest first, handling the ones the inbox has not
 * seen. The position is saved after each page and whenever the sweep stops, so the next run
 * resumes there; a finished sweep makes the next start where this one began.
 */
async function sweepUndeliveredEvents(options: SweepOptions): Promise<StopReason> {
  const { ctx, stripe, budget, summary, cap } = options;
  const nowSeconds = Math.floor(ctx.clock().getTime() / 1000);
  const saved = await readSweepState(ctx);
  const state: EventSweepState = {
    since: saved?.since ?? nowSeconds - EVENT_RETENTION_SECONDS,
    startedAt: saved?.startedAt ?? nowSeconds,
    ...(saved?.startingAfter ? { startingAfter: saved.startingAfter } : {}),
  };
  let finished = false;
  try {
    for (;;) {
      const refusal = budget.refusal(1 + MAX_STRIPE_CALLS_PER_EVENT, cap);
      if (refusal) return refusal;
      let page: Stripe.ApiList<Stripe.Event>;
      try {
        page = await stripe.events.list({
          delivery_success: false,
          types: [...handledStripeEventTypes],
          created: { gte: state.since },
          limit: options.pageSize,
          ...(state.startingAfter ? { starting_after: state.startingAfter } : {}),
        });
        budget.succeeded();
      } catch (error) {
        budget.failed();
        summary.errors++;
        ctx.logger.trackError(error, { operation: 'list undelivered stripe events' });
        return budget.refusal(0) ?? 'stripe_unavailable';
      }
      const seen = await inboxIds(
        ctx,
        page.data.map((event) => event.id),
      );
      for (const event of page.data) {
        if (!seen.has(event.id)) {
          const eventRefusal = budget.refusal(MAX_STRIPE_CALLS_PER_EVENT, cap);
          if (eventRefusal) return eventRefusal;
          try {
            const outcome = await options.handleEvent(event);
            budget.succeeded();
            if (outcome.status === 'processed' || outcome.status === 'rejected') {
              summary.eventsRecovered++;
            }
          } catch (error) {
            // Left for the next run (or Stripe's own redelivery): the cursor stays before it.
            budget.failed();
            summary.errors++;
            ctx.logger.trackError(error, { operation: 'recover stripe event', eventId: event.id });
            return budget.refusal(0) ?? 'stripe_unavailable';
          }
        }
        state.startingAfter = event.id;
      }
      if (!page.has_more) {
        finished = true;
        await writeSweepState(ctx, {
          since: (state.startedAt ?? nowSeconds) - SWEEP_OVERLAP_SECONDS,
        });
        return 'done';
      }
      await writeSweepState(ctx, state);
    }
  } finally {
    // Stopped early: the next run resumes after the last event handled.
    if (!finished) await writeSweepState(ctx, state);
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

async function inboxIds(ctx: FulfillmentContext, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await ctx.db
    .select({ id: stripeWebhookEvents.id })
    .from(stripeWebhookEvents)
    .where(inArray(stripeWebhookEvents.id, ids));
  return new Set(rows.map((row) => row.id));
}

async function readSweepState(ctx: FulfillmentContext): Promise<EventSweepState | undefined> {
  const [row] = await ctx.db
    .select({ state: reconciliationCursors.state })
    .from(reconciliationCursors)
    .where(eq(reconciliationCursors.name, EVENTS_CURSOR));
  return row?.state as EventSweepState | undefined;
}

async function writeSweepState(ctx: FulfillmentContext, state: EventSweepState): Promise<void> {
  await ctx.db
    .insert(reconciliationCursors)
    .values({ name: EVENTS_CURSOR, state: { ...state } })
    .onConflictDoUpdate({
      target: reconciliationCursors.name,
      set: { state: { ...state }, updatedAt: ctx.clock() },
    });
}
