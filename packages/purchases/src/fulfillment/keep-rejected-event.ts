import { rejectedStripeEvents } from '@codex/database';
import { type FulfillmentContext, logOutcome, type StripeEventOutcome } from './context';

/** A verified event that cannot be handled, and why. */
export interface RejectedEvent {
  /** Printable ASCII only (`parseStripeEvent` checks it), or undefined. */
  eventId: string | undefined;
  type: string | undefined;
  /** Paths and rules, never values; storable (`describeIssues`). */
  problems: string[];
}

/**
 * Keeps a verified event that cannot be handled in `rejected_stripe_events`, its bytes exactly as
 * received (`bytea`: any bytes at all, so keeping never fails on what the payload holds), once
 * per event id; logs it as an error (ids and problems, never the payload) and returns `rejected`,
 * which the webhook acknowledges with 200. Throws only when the database does.
 */
export async function keepRejectedEvent(
  ctx: FulfillmentContext,
  payload: Uint8Array,
  rejected: RejectedEvent,
): Promise<StripeEventOutcome> {
  // One statement: SQL over HTTP where configured, one round trip instead of a connection.
  await ctx.hot
    .insert(rejectedStripeEvents)
    .values({
      stripeEventId: rejected.eventId ?? null,
      eventType: rejected.type ?? null,
      rawPayload: payload,
      problems: rejected.problems,
    })
    .onConflictDoNothing();
  const outcome: StripeEventOutcome = { status: 'rejected', problems: rejected.problems };
  logOutcome(ctx.logger, outcome, { eventId: rejected.eventId, eventType: rejected.type });
  return outcome;
}
