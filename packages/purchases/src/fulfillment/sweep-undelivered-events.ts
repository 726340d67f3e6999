import { eq, inArray, reconciliationCursors, stripeWebhookEvents } from '@codex/database';
import Stripe from 'stripe';
import type { FulfillmentContext, StripeEventOutcome } from './context';
import type { ReconciliationSummary } from './reconcile';
import type { RunBudget, StopReason } from './run-budget';
import { handledStripeEventTypes } from './stripe-events';

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

/** What one sweep of Stripe's undelivered events works with. */
export interface SweepOptions {
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
export async function sweepUndeliveredEvents(options: SweepOptions): Promise<StopReason> {
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
        if (state.startingAfter && isForgottenCursor(error)) {
          // Stripe answered (the call is spent) but no longer has the event the sweep stopped at:
          // every later run would be refused the same way. Start again from the newest events.
          budget.succeeded();
          ctx.logger.warn('undelivered-events cursor aged out: sweeping again from the newest', {
            startingAfter: state.startingAfter,
            since: state.since,
          });
          restartSweep(state, nowSeconds);
          continue;
        }
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

/**
 * Stripe's refusal of a `starting_after` it does not know: events are kept for 30 days only
 * (https://docs.stripe.com/api/events/list), after which an event id used as a cursor is an
 * invalid request, `resource_missing` on `starting_after` (https://docs.stripe.com/api/pagination).
 */
function isForgottenCursor(error: unknown): boolean {
  return (
    error instanceof Stripe.errors.StripeInvalidRequestError &&
    error.code === 'resource_missing' &&
    error.param === 'starting_after'
  );
}

/**
 * A sweep begun again now from Stripe's newest event, down to where the old one was to stop (no
 * further back than Stripe keeps): events it already handled are skipped by the inbox.
 */
function restartSweep(state: EventSweepState, nowSeconds: number): void {
  delete state.startingAfter;
  state.since = Math.max(state.since, nowSeconds - EVENT_RETENTION_SECONDS);
  state.startedAt = nowSeconds;
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
