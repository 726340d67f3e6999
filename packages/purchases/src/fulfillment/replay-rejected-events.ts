import { and, asc, eq, isNull, rejectedStripeEvents } from '@codex/database';
import type { FulfillmentContext, StripeEventOutcome } from './context';
import { parseStripeEvent } from './stripe-events';
import { type ReadStripePayload, readStripePayload } from './stripe-payload';

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
 * through `handleEvent` again, oldest first, typically after a fix was deployed. Each is read
 * again from the bytes received (rows kept before those were stored: from their `jsonb` copy). One
 * that fits now is handled exactly once (the inbox still applies) and marked replayed; one that
 * still does not fit, or is still not JSON, is left as it is. Throws on infrastructure failure;
 * what was replayed before stays marked.
 */
export async function replayRejectedEvents(
  ctx: FulfillmentContext,
  handleEvent: (event: unknown) => Promise<StripeEventOutcome>,
  options: ReplayOptions = {},
): Promise<ReplaySummary> {
  const rows = await ctx.db
    .select({
      id: rejectedStripeEvents.id,
      payload: rejectedStripeEvents.payload,
      rawPayload: rejectedStripeEvents.rawPayload,
    })
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
    const read: ReadStripePayload = row.rawPayload
      ? readStripePayload(row.rawPayload)
      : { status: 'read', value: row.payload };
    if (read.status === 'unreadable' || parseStripeEvent(read.value).status === 'malformed') {
      summary.stillRejected++;
      continue;
    }
    const outcome = await handleEvent(read.value);
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
