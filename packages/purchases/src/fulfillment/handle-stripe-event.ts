import { isUniqueViolation, stripeWebhookEvents } from '@codex/database';
import { describeApiVersionMismatch, findApiVersionMismatch } from './api-version';
import { completeInOneStatement } from './complete-in-one-statement';
import { type FulfillmentContext, logOutcome, type StripeEventOutcome } from './context';
import { prepareEvent } from './event-handlers';
import { keepRejectedEvent } from './keep-rejected-event';
import { type HandledStripeEvent, parseStripeEvent } from './stripe-events';
import { encodeStripePayload, readStripePayload } from './stripe-payload';

/**
 * Handles one verified webhook body, whatever bytes it holds: bytes that are not UTF-8 JSON are
 * kept for replay as they are (`rejected`); JSON goes to {@link handleStripeEvent}, which keeps
 * these same bytes if the event does not fit. Throws only on infrastructure failure.
 */
export async function handleStripePayload(
  ctx: FulfillmentContext,
  payload: Uint8Array,
): Promise<StripeEventOutcome> {
  const read = readStripePayload(payload);
  if (read.status === 'unreadable') {
    return keepRejectedEvent(ctx, payload, {
      eventId: undefined,
      type: undefined,
      problems: [read.problem],
    });
  }
  return handleStripeEvent(ctx, read.value, payload);
}

/**
 * Handles one verified Stripe event exactly once. Its object is checked first: an unhandled type
 * is ignored; a handled type that does not have the shape we read is kept in
 * `rejected_stripe_events` (`payload`, the bytes received; without them, the event's JSON) for
 * `pnpm webhooks:replay`, logged as an error and acknowledged, because Stripe would otherwise
 * retry it for days. An event of another API version than the Stripe client's is handled when it
 * fits (one warning line naming both versions) and kept, the versions among its problems, when it
 * does not. Otherwise the event id enters the inbox in the same transaction as the state change it
 * causes: a duplicate (even one racing the first delivery) returns `duplicate` and changes
 * nothing. Throws on infrastructure failure, with nothing committed, so the caller answers 5xx
 * and Stripe redelivers.
 */
export async function handleStripeEvent(
  ctx: FulfillmentContext,
  raw: unknown,
  payload?: Uint8Array,
): Promise<StripeEventOutcome> {
  const parsed = parseStripeEvent(raw);
  if (parsed.status === 'unhandled') {
    const outcome: StripeEventOutcome = { status: 'ignored', reason: 'unhandled_type' };
    logOutcome(ctx.logger, outcome, { eventId: parsed.eventId, eventType: parsed.type });
    return outcome;
  }
  const mismatch = findApiVersionMismatch(ctx, raw);
  if (parsed.status === 'malformed') {
    return keepRejectedEvent(ctx, payload ?? encodeStripePayload(raw), {
      ...parsed,
      problems: mismatch
        ? [...parsed.problems, describeApiVersionMismatch(mismatch)]
        : parsed.problems,
    });
  }
  if (mismatch) {
    ctx.logger.warn('stripe event of another API version: handled, its object fits', {
      eventId: parsed.event.id,
      eventType: parsed.event.type,
      ...mismatch,
    });
  }
  const { event } = parsed;
  if (isCompletionEvent(event)) {
    const quick = await completeInOneStatement(ctx, event, event.data.object).catch(
      (error: unknown): { status: 'undecided' } => {
        // A payment intent that already paid for another purchase (nothing was written): the
        // careful path (with a savepoint) records it for review.
        if (isUniqueViolation(error, 'content_purchases_stripe_payment_intent_id_unique')) {
          return { status: 'undecided' };
        }
        throw error;
      },
    );
    if (quick.status !== 'undecided') {
      const outcome: StripeEventOutcome =
        quick.status === 'duplicate'
          ? quick
          : { status: 'processed', result: { status: 'completed', ...quick.ids } };
      logOutcome(ctx.logger, outcome, { eventId: event.id, eventType: event.type });
      return outcome;
    }
  }
  // The careful path: the one-statement attempt (if any) already tried the common case.
  return handleOnce(ctx, event, { fastPath: false });
}

function isCompletionEvent(
  event: HandledStripeEvent,
): event is Extract<
  HandledStripeEvent,
  { type: 'checkout.session.completed' | 'checkout.session.async_payment_succeeded' }
> {
  return (
    event.type === 'checkout.session.completed' ||
    event.type === 'checkout.session.async_payment_succeeded'
  );
}

async function handleOnce(
  ctx: FulfillmentContext,
  event: HandledStripeEvent,
  options: { fastPath: boolean },
): Promise<StripeEventOutcome> {
  const apply = await prepareEvent(ctx, event);
  const outcome = await ctx.db.transaction(async (tx): Promise<StripeEventOutcome> => {
    const [inserted] = await tx
      .insert(stripeWebhookEvents)
      .values({ id: event.id, type: event.type, processedAt: ctx.clock() })
      .onConflictDoNothing()
      .returning({ id: stripeWebhookEvents.id });
    if (!inserted) return { status: 'duplicate' };
    return { status: 'processed', result: await apply(tx, options) };
  });
  // Logged after the commit: a line never claims a change that was rolled back.
  logOutcome(ctx.logger, outcome, { eventId: event.id, eventType: event.type });
  return outcome;
}
