import { type StripeStub, StripeStubError, type StripeStubEvent } from '@codex/local-stripe';
import fc from 'fast-check';

/** How the buyer pays at Stripe. */
export type Payment = 'card' | 'delayed_succeeds' | 'delayed_fails';

/** One thing the seller (or the card network) does at Stripe after the sale. */
export type MoneyAction =
  | { kind: 'refund'; percent: number; status: 'pending' | 'succeeded' }
  /** A refund issued from the platform (the refund API), keeping or revoking access. */
  | { kind: 'platform_refund'; percent: number; revokeAccess: boolean }
  | { kind: 'refund_update'; which: number; status: 'succeeded' | 'failed' | 'canceled' }
  | { kind: 'dispute_open' }
  /** An inquiry: no money withdrawn, refundable; it may close or escalate to a chargeback. */
  | { kind: 'inquiry_open' }
  | {
      kind: 'dispute_update';
      which: number;
      status:
        | 'warning_under_review'
        | 'warning_closed'
        | 'needs_response'
        | 'under_review'
        | 'won'
        | 'lost';
    };

/** A purchase's history as Stripe performs it, and how its events reach us. */
export interface StripeHistory {
  payment: Payment;
  actions: MoneyAction[];
  /** Per emitted event (cycled): how many later steps it is held back, and its place within a step. */
  delivery: Array<{ lag: number; order: number }>;
  /** Emitted events (by index, cycled) delivered once more at the end. */
  duplicates: number[];
}

const moneyAction: fc.Arbitrary<MoneyAction> = fc.oneof(
  fc.record({
    kind: fc.constant('refund' as const),
    // 91 %: with 10 % exclusive tax, about the price: partial, though it would refund the price.
    percent: fc.constantFrom(100, 91, 60, 40, 1),
    status: fc.constantFrom('pending' as const, 'succeeded' as const),
  }),
  fc.record({
    kind: fc.constant('refund_update' as const),
    which: fc.nat({ max: 3 }),
    status: fc.constantFrom('succeeded' as const, 'failed' as const, 'canceled' as const),
  }),
  fc.constant({ kind: 'dispute_open' as const }),
  fc.constant({ kind: 'inquiry_open' as const }),
  fc.record({
    kind: fc.constant('dispute_update' as const),
    which: fc.constant(0),
    // Moves Stripe would not make from the dispute's status (a chargeback back to an inquiry's
    // status, anything after won or lost) are refused by the stand-in and skipped.
    status: fc.constantFrom(
      'warning_under_review' as const,
      'warning_closed' as const,
      'needs_response' as const,
      'under_review' as const,
      'won' as const,
      'lost' as const,
    ),
  }),
);

const platformRefund: fc.Arbitrary<MoneyAction> = fc.record({
  kind: fc.constant('platform_refund' as const),
  percent: fc.constantFrom(100, 60, 40),
  revokeAccess: fc.boolean(),
});

/** Histories of one purchase: a payment, up to 6 actions after it, delivery lags, order and duplicates. */
export const stripeHistory: fc.Arbitrary<StripeHistory> = historyOf(moneyAction);

/**
 * {@link stripeHistory} with refunds issued from the platform among the actions (about half),
 * for {@link performHistory} given `issuePlatformRefund`.
 */
export const platformRefundHistory: fc.Arbitrary<StripeHistory> = historyOf(
  fc.oneof({ arbitrary: moneyAction, weight: 1 }, { arbitrary: platformRefund, weight: 1 }),
);

function historyOf(action: fc.Arbitrary<MoneyAction>): fc.Arbitrary<StripeHistory> {
  return fc.record({
    payment: fc.constantFrom<Payment>('card', 'card', 'delayed_succeeds', 'delayed_fails'),
    actions: fc.array(action, { maxLength: 6 }),
    delivery: fc.array(fc.record({ lag: fc.nat({ max: 3 }), order: fc.nat({ max: 1_000 }) }), {
      minLength: 1,
      maxLength: 24,
    }),
    duplicates: fc.array(fc.nat({ max: 40 }), { maxLength: 4 }),
  });
}

/**
 * Issues a refund from the platform (the service under test, through the real Stripe client);
 * resolves false when the platform refused it (nothing was asked of Stripe, or Stripe refused).
 */
export type IssuePlatformRefund = (amountCents: number, revokeAccess: boolean) => Promise<boolean>;

/** What Stripe's final state implies for the purchase. */
export interface ExpectedOutcome {
  paid: boolean;
  refundedCents: number;
  disputeStatus: 'open' | 'won' | 'lost' | null;
  /** Refunded in full, and the latest counted platform refund (if any) was issued to revoke. */
  refundEndsAccess: boolean;
  hasAccess: boolean;
}

/** A history performed at the stand-in: what was delivered, and what Stripe ended with. */
export interface PerformedHistory {
  /** Event ids in the order they were delivered, duplicates included. */
  delivered: string[];
  /** The refunds Stripe holds for the payment, by whichever means they were made. */
  refundIds: string[];
  expected: ExpectedOutcome;
}

/**
 * Performs `history` at the Stripe stand-in for the open session `sessionId` (price
 * `priceCents`; refunds are sized and measured against the paid session's total) and delivers the events Stripe would send while it goes: each is held back `lag`
 * steps after the one that emitted it (so a re-read of Stripe may see a later state than the
 * snapshot), ordered by `order` within a step; the listed duplicates come last. Actions that
 * Stripe would refuse at that point (refunding more than is left, changing a closed dispute) are
 * skipped, as a dashboard would refuse them.
 */
export async function performHistory(
  stub: StripeStub,
  sessionId: string,
  priceCents: number,
  history: StripeHistory,
  deliver: (event: StripeStubEvent) => Promise<void>,
  issuePlatformRefund?: IssuePlatformRefund,
): Promise<PerformedHistory> {
  const emitted: Array<{ due: number; order: number; index: number; event: StripeStubEvent }> = [];
  const delivered: string[] = [];
  const emit = (step: number, events: StripeStubEvent[]) => {
    for (const event of events) {
      const index = emitted.length;
      const knob = history.delivery[index % history.delivery.length] ?? { lag: 0, order: 0 };
      emitted.push({ due: step + knob.lag, order: knob.order, index, event });
    }
  };
  const flushed = new Set<number>();
  const deliverInOrder = async (items: typeof emitted) => {
    const ordered = items
      .filter((item) => !flushed.has(item.index))
      .sort((a, b) => a.order - b.order || a.index - b.index);
    for (const item of ordered) {
      flushed.add(item.index);
      await deliver(item.event);
      delivered.push(item.event.id);
    }
  };
  /** Delivers every event due by `step`. */
  const flush = (step: number) => deliverInOrder(emitted.filter((item) => item.due <= step));
  /** Delivers the checkout's events now, whatever their lag. */
  const flushCheckoutEvents = () =>
    deliverInOrder(emitted.filter((item) => item.event.type.startsWith('checkout.session.')));
  emit(
    0,
    stub.payCheckoutSession(sessionId, { method: history.payment === 'card' ? 'card' : 'delayed' }),
  );
  await flush(0);
  let step = 1;
  if (history.payment !== 'card') {
    emit(
      step,
      stub.settleDelayedPayment(
        sessionId,
        history.payment === 'delayed_succeeds' ? 'succeeded' : 'failed',
      ),
    );
    await flush(step++);
  }
  const paid = history.payment !== 'delayed_fails';
  const session = stub.getSession(sessionId);
  const paymentIntentId = session?.payment_intent;
  if (!paymentIntentId) throw new Error('performHistory: the paid session has no payment intent');
  // Refunds are measured against what Stripe charged: with exclusive tax, more than the price.
  const chargedCents = session?.amount_total ?? priceCents;

  // In the order they were asked for: the platform's request order decides (decision 021).
  const refunds: Array<{
    id: string;
    amount: number;
    status: string;
    revokesAccess: boolean;
    fromPlatform: boolean;
  }> = [];
  const refundAmount = (percent: number) => {
    const counted = refunds
      .filter((refund) => COUNTED.has(refund.status))
      .reduce((sum, refund) => sum + refund.amount, 0);
    return Math.min(
      chargedCents - counted,
      Math.max(1, Math.round((chargedCents * percent) / 100)),
    );
  };
  const disputes: Array<{ id: string; status: string }> = [];
  if (paid) {
    for (const action of history.actions) {
      try {
        switch (action.kind) {
          case 'refund': {
            const amount = refundAmount(action.percent);
            if (amount <= 0) continue;
            const { refund, events: emitted } = stub.createRefund(paymentIntentId, {
              amount,
              status: action.status,
            });
            refunds.push({
              id: refund.id,
              amount,
              status: action.status,
              revokesAccess: true,
              fromPlatform: false,
            });
            emit(step, emitted);
            break;
          }
          case 'platform_refund': {
            if (!issuePlatformRefund) throw new Error('performHistory: no issuePlatformRefund');
            const amount = refundAmount(action.percent);
            if (amount <= 0) continue;
            // Staff refund a sale they see completed: its completion arrives first (the money
            // events before and after it keep their lag and order).
            await flushCheckoutEvents();
            const before = stub.events.length;
            // The platform may refuse from its own (possibly lagging) view: then nothing happened.
            if (!(await issuePlatformRefund(amount, action.revokeAccess))) continue;
            // This payment's events only: other purchases may be played at the same stand-in
            // meanwhile (pnpm soak), and their events are theirs to deliver.
            const emitted = stub.events
              .slice(before)
              .filter((event) => event.data.object.payment_intent === paymentIntentId);
            const created = emitted.find((event) => event.type === 'refund.created')?.data.object as
              | { id?: unknown }
              | undefined;
            if (typeof created?.id !== 'string') throw new Error('no refund.created emitted');
            refunds.push({
              id: created.id,
              amount,
              status: 'succeeded',
              revokesAccess: action.revokeAccess,
              fromPlatform: true,
            });
            emit(step, emitted);
            break;
          }
          case 'refund_update': {
            const refund = refunds[action.which % Math.max(refunds.length, 1)];
            if (!refund || !canMoveRefund(refund.status, action.status)) continue;
            emit(step, stub.updateRefund(refund.id, action.status));
            refund.status = action.status;
            break;
          }
          case 'dispute_open':
          case 'inquiry_open': {
            // A charge has at most one dispute (Stripe's `charge.dispute`).
            if (disputes.length > 0) continue;
            const inquiry = action.kind === 'inquiry_open';
            const { dispute, events: emitted } = stub.openDispute(paymentIntentId, { inquiry });
            disputes.push({ id: dispute.id, status: dispute.status });
            emit(step, emitted);
            break;
          }
          case 'dispute_update': {
            const dispute = disputes[action.which % Math.max(disputes.length, 1)];
            if (!dispute) continue;
            emit(step, stub.updateDispute(dispute.id, action.status));
            dispute.status = action.status;
            break;
          }
        }
      } catch (error) {
        // Stripe refuses it at this point (for example a refund of a disputed charge): skipped,
        // as the dashboard would refuse it.
        if (error instanceof StripeStubError) continue;
        throw error;
      }
      await flush(step++);
    }
  }
  await flush(Number.POSITIVE_INFINITY);
  for (const index of history.duplicates) {
    const original = emitted[index % emitted.length];
    if (!original) continue;
    await deliver(original.event);
    delivered.push(original.event.id);
  }

  const counted = refunds.filter((refund) => COUNTED.has(refund.status));
  const refundedCents = counted.reduce((sum, refund) => sum + refund.amount, 0);
  // Refunded in full (against what was charged) ends access unless the most recently requested
  // platform refund that counts was issued to keep it; Dashboard refunds count but never decide
  // (decision 021).
  const deciding = counted.filter((refund) => refund.fromPlatform).at(-1);
  const refundEndsAccess = refundedCents >= chargedCents && (deciding?.revokesAccess ?? true);
  // Only chargebacks decide access: an inquiry (warning_*) that never escalated leaves no trace.
  const chargebacks = disputes.filter((dispute) => !dispute.status.startsWith('warning_'));
  const disputeStatus = chargebacks.some((dispute) => dispute.status === 'lost')
    ? 'lost'
    : chargebacks.some((dispute) => !CLOSED.has(dispute.status))
      ? 'open'
      : chargebacks.length > 0
        ? 'won'
        : null;
  return {
    delivered,
    refundIds: refunds.map((refund) => refund.id),
    expected: {
      paid,
      refundedCents,
      disputeStatus,
      refundEndsAccess,
      hasAccess: paid && !refundEndsAccess && (disputeStatus === null || disputeStatus === 'won'),
    },
  };
}

const COUNTED = new Set(['pending', 'requires_action', 'succeeded']);
const CLOSED = new Set(['won', 'lost']);

function canMoveRefund(from: string, to: string): boolean {
  if (from === 'failed' || from === 'canceled') return false;
  if (to === 'canceled') return from === 'pending';
  if (to === 'succeeded') return from === 'pending';
  return true; // failed: from pending or succeeded
}
