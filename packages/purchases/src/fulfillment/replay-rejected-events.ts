import { and, asc, eq, isNull, rejectedStripeEvents } from '@codex/database';
import type { FulfillmentContext, StripeEventOutcome } from './context';
import { parseStripeEvent } from './stripe-events';

export interface ReplayOptions {
  /** Only this Stripe event id. */
  eventId?: string;
  /** At most this many, oldest first. Default 100. */
  limit?: number;
}

export interface ReplaySummary {
  /** Handled now (processed, duplicate or ignored), marked replayed. */
  replayed: number;
  /** Still not the shape we handle: left for a later fix. */
  stillRejected: number;
}

/**
 * Runs the kept, correctly signed events that did not fit our schemas (`rejected_stripe_events`)
 * through `handleEvent` again, oldest first, typically after a fix was deployed. One that fits now
 * is handled exactly once (the inbox still applies) and marked replayed; one that still does not
 * fit is left as it is. Throws on infrastructure failure; what was replayed before stays marked.
 */
export async function replayRejectedEvents(
  ctx: FulfillmentContext,
  handleEvent: (event: unknown) => Promise<StripeEventOutcome>,
  options: ReplayOptions = {},
): Promise<ReplaySummary> {
  const rows = await ctx.db
    .select({ id: rejectedStripeEvents.id, payload: rejectedStripeEvents.payload })
    .from(rejectedStripeEvents)
    .where(
      and(
        isNull(rejectedStripeEvents.replayedAt),
        ...(options.eventId ? [eq(rejectedStripeEvents.stripeEventId, options.eventId)] : []),
      ),
    )
    .orderBy(asc(rejectedStripeEvents.receivedAt))
    .limit(options.limit ?? 100);
  const summary: ReplaySummary = { replayed: 0, stillRejected: 0 };
  for (const row of rows) {
    if (parseStripeEvent(row.payload).status === 'malformed') {
      summary.stillRejected++;
      continue;
    }
    const outcome = await handleEvent(row.payload);
    ctx.logger.info('rejected stripe event replayed', {
      rejectedId: row.id,
      outcome: outcome.status,
    });
    await ctx.db
      .update(rejectedStripeEvents)
      .set({ replayedAt: ctx.clock() })
      .where(eq(rejectedStripeEvents.id, row.id));
    summary.replayed++;
  }
  return summary;
}
