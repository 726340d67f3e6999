import type { DatabaseTransaction, PaymentEventKind } from '@codex/database';
import { failCheckout, fulfillCheckout } from './checkout-sessions';
import type { FulfillmentContext, FulfillmentResult } from './context';
import { findMoneyPurchase } from './find-money-purchase';
import {
  type DisputeRecord,
  disputeStatusOf,
  type RefundRecord,
  readRefundMetadata,
} from './money-records';
import { applyMoneyChange } from './money-state';
import { requireStripe } from './require-stripe';
import {
  type DisputeSnapshot,
  type HandledStripeEvent,
  type HandledStripeEventType,
  idOf,
  type RefundSnapshot,
} from './stripe-events';

/** The part of handling that runs inside the event's transaction (with the inbox insert). */
export type ApplyInTransaction = (
  tx: DatabaseTransaction,
  options: { fastPath: boolean },
) => Promise<FulfillmentResult>;

/**
 * Prepares one event: everything that needs Stripe happens here, before the transaction opens, so
 * no transaction waits on the network. Returns what to do inside the transaction.
 */
type EventHandler<Type extends HandledStripeEventType> = (
  ctx: FulfillmentContext,
  event: EventOf<Type>,
) => Promise<ApplyInTransaction>;

type EventOf<Type extends HandledStripeEventType> = Extract<HandledStripeEvent, { type: Type }>;

const completeCheckout: EventHandler<
  'checkout.session.completed' | 'checkout.session.async_payment_succeeded'
> = async (ctx, event) => (tx, options) => fulfillCheckout(ctx, tx, event.data.object, options);

const failCheckoutSession: EventHandler<
  'checkout.session.async_payment_failed' | 'checkout.session.expired'
> = async (ctx, event) => (tx) => failCheckout(ctx, tx, event.data.object);

const unknownPurchase: ApplyInTransaction = async () => ({ status: 'unknown_purchase' });

/** One refund's snapshot: its status is placed in order by rank, so the snapshot is enough. */
const applyRefundSnapshot: EventHandler<
  'refund.created' | 'refund.updated' | 'refund.failed' | 'charge.refund.updated'
> = async (ctx, event) => {
  const refund = event.data.object;
  const target = await findMoneyPurchase(ctx, idOf(refund.payment_intent));
  if (!target) return unknownPurchase;
  return (tx) =>
    applyMoneyChange(ctx, tx, target, {
      refunds: [refundRecord(refund)],
      audit: {
        stripeEventId: event.id,
        stripeObjectId: refund.id,
        kind:
          refund.status === 'failed' || refund.status === 'canceled' ? 'refund_failed' : 'refund',
        amountCents: refund.amount,
      },
    });
};

/**
 * `charge.refunded` names the charge's cumulative refunded amount, which cannot be placed in order
 * against other snapshots; the charge's refunds are read from Stripe instead, each applied by id.
 */
const rereadChargeRefunds: EventHandler<'charge.refunded'> = async (ctx, event) => {
  const charge = event.data.object;
  const target = await findMoneyPurchase(ctx, idOf(charge.payment_intent));
  if (!target) return unknownPurchase;
  const refunds = await requireStripe(ctx)
    .refunds.list({ charge: charge.id, limit: 100 })
    .autoPagingToArray({ limit: 10_000 });
  return (tx) =>
    applyMoneyChange(ctx, tx, target, {
      refunds: refunds.flatMap((refund) =>
        isKnownRefundStatus(refund.status)
          ? [refundRecord({ ...refund, status: refund.status })]
          : [],
      ),
      audit: {
        stripeEventId: event.id,
        stripeObjectId: charge.id,
        kind: 'refund',
        amountCents: charge.amount_refunded,
      },
    });
};

/** A dispute's snapshot: its status is placed in order by rank (`lost` final). */
const applyDisputeSnapshot: EventHandler<
  | 'charge.dispute.created'
  | 'charge.dispute.updated'
  | 'charge.dispute.closed'
  | 'charge.dispute.funds_withdrawn'
  | 'charge.dispute.funds_reinstated'
> = async (ctx, event) => {
  const dispute = event.data.object;
  const target = await findMoneyPurchase(ctx, idOf(dispute.payment_intent));
  if (!target) return unknownPurchase;
  const record = disputeRecord(dispute);
  return (tx) =>
    applyMoneyChange(ctx, tx, target, {
      dispute: record,
      audit: {
        stripeEventId: event.id,
        stripeObjectId: dispute.id,
        kind: disputeAuditKind(event.type, record),
        amountCents: dispute.amount,
      },
    });
};

/** The one table from event type to its handler. */
export const eventHandlers: {
  [Type in HandledStripeEventType]: (
    ctx: FulfillmentContext,
    event: EventOf<Type>,
  ) => Promise<ApplyInTransaction>;
} = {
  'checkout.session.completed': completeCheckout,
  'checkout.session.async_payment_succeeded': completeCheckout,
  'checkout.session.async_payment_failed': failCheckoutSession,
  'checkout.session.expired': failCheckoutSession,
  'charge.refunded': rereadChargeRefunds,
  'refund.created': applyRefundSnapshot,
  'refund.updated': applyRefundSnapshot,
  'refund.failed': applyRefundSnapshot,
  'charge.refund.updated': applyRefundSnapshot,
  'charge.dispute.created': applyDisputeSnapshot,
  'charge.dispute.updated': applyDisputeSnapshot,
  'charge.dispute.closed': applyDisputeSnapshot,
  'charge.dispute.funds_withdrawn': applyDisputeSnapshot,
  'charge.dispute.funds_reinstated': applyDisputeSnapshot,
};

/** Prepares `event` with its handler from {@link eventHandlers}. */
export function prepareEvent(
  ctx: FulfillmentContext,
  event: HandledStripeEvent,
): Promise<ApplyInTransaction> {
  const handler = eventHandlers[event.type] as (
    ctx: FulfillmentContext,
    event: HandledStripeEvent,
  ) => Promise<ApplyInTransaction>;
  return handler(ctx, event);
}

/** A refund snapshot (an event's, or one read from Stripe) as the money state keeps it. */
function refundRecord(
  refund: Pick<RefundSnapshot, 'id' | 'amount' | 'status' | 'metadata'>,
): RefundRecord {
  return {
    id: refund.id,
    amountCents: refund.amount,
    status: refund.status,
    ...readRefundMetadata(refund.metadata),
  };
}

function isKnownRefundStatus(status: string | null): status is RefundSnapshot['status'] {
  return (
    status === 'pending' ||
    status === 'requires_action' ||
    status === 'succeeded' ||
    status === 'failed' ||
    status === 'canceled'
  );
}

function disputeRecord(dispute: DisputeSnapshot): DisputeRecord {
  return {
    id: dispute.id,
    amountCents: dispute.amount,
    status: disputeStatusOf(dispute.status),
    stripeStatus: dispute.status,
  };
}

function disputeAuditKind(type: HandledStripeEventType, dispute: DisputeRecord): PaymentEventKind {
  if (type === 'charge.dispute.funds_withdrawn') return 'dispute_funds_withdrawn';
  if (type === 'charge.dispute.funds_reinstated') return 'dispute_funds_reinstated';
  if (dispute.status === 'lost') return 'dispute_lost';
  if (dispute.status === 'won') return 'dispute_won';
  return 'dispute_opened';
}
