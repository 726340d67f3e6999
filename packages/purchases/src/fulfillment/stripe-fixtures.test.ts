import { eq, paymentEvents, stripeRefunds } from '@codex/database';
import { describe, expect, it } from 'vitest';
import { useTestWorld } from '../testing/test-world';
import type { FulfillmentResult } from './context';
import {
  type HandledStripeEventType,
  handledStripeEventTypes,
  parseStripeEvent,
} from './stripe-events';
import { readPurchase, startCheckout } from './testing/purchase-probes';
import { stripeFixture, stripeFixtureEvent } from './testing/stripe-fixtures';

// Stripe's own example objects (every field, the usual nulls), bound to a purchase our checkout
// created, in an event of every handled type: each parses, is handled, and does what it should.
// A schema that refused one of these shapes would refuse real Stripe traffic.

const world = useTestWorld();
const PRICE = 1_999;
const newId = (prefix: string) => `${prefix}${crypto.randomUUID().replaceAll('-', '')}`;

/** A purchase made by the checkout service, and what binds Stripe's objects to it. */
interface Bound {
  purchaseId: string;
  sessionId: string;
  clientReferenceId: string | null;
  metadata: Record<string, string>;
  currency: string;
  paymentIntentId: string;
  chargeId: string;
}

async function pendingPurchase(): Promise<Bound> {
  const started = await startCheckout(world(), PRICE);
  const session = world().stub.getSession(started.sessionId);
  if (!session) throw new Error('the stand-in holds no session');
  return {
    purchaseId: started.purchaseId,
    sessionId: session.id,
    clientReferenceId: session.client_reference_id ?? null,
    metadata: { ...session.metadata },
    currency: session.currency,
    paymentIntentId: newId('pi_'),
    chargeId: newId('ch_'),
  };
}

const sessionTotals = stripeFixture('checkout.session').total_details as Record<string, unknown>;

/** Stripe's example Checkout Session, as Stripe would send it for `bound` in `state`. */
function sessionOf(bound: Bound, state: Record<string, unknown>) {
  return stripeFixture('checkout.session', {
    id: bound.sessionId,
    client_reference_id: bound.clientReferenceId,
    metadata: bound.metadata,
    currency: bound.currency,
    amount_subtotal: PRICE,
    amount_total: PRICE,
    total_details: { ...sessionTotals, amount_discount: 0, amount_tax: 0 },
    payment_intent: bound.paymentIntentId,
    ...state,
  });
}

const paid = { status: 'complete', payment_status: 'paid' };

const money = (bound: Bound) => ({
  charge: bound.chargeId,
  payment_intent: bound.paymentIntentId,
  amount: PRICE,
  currency: bound.currency,
});
const refundOf = (bound: Bound, status: string) =>
  stripeFixture('refund', { ...money(bound), id: newId('re_'), status });
const disputeOf = (bound: Bound, status: string) =>
  stripeFixture('dispute', { ...money(bound), id: newId('dp_'), status });

/** Delivers `event` as the webhook does: the bytes of its JSON. */
async function deliver(event: Record<string, unknown>) {
  const payload = new TextEncoder().encode(JSON.stringify(event));
  return world().fulfillment().handleStripePayload(payload);
}

const eventOf = (type: string, object: Record<string, unknown>) =>
  stripeFixtureEvent(type, object, String(world().stripe().getApiField('version')));

async function completedPurchase(): Promise<Bound> {
  const bound = await pendingPurchase();
  const outcome = await deliver(eventOf('checkout.session.completed', sessionOf(bound, paid)));
  expect(outcome).toMatchObject({ status: 'processed', result: { status: 'completed' } });
  return bound;
}

interface FixtureCase {
  /** Completed (by Stripe's example session) before the event: the money events need a sale. */
  sold: boolean;
  object: (bound: Bound) => Record<string, unknown>;
  result: Partial<FulfillmentResult>;
  purchase: Record<string, unknown>;
}

const refunded = { amountRefundedCents: PRICE, refundedAt: expect.any(Date) };
const refundCase = (status: string): FixtureCase => ({
  sold: true,
  object: (bound) => refundOf(bound, status),
  result: {
    status: 'payment_event_recorded',
    kind: status === 'failed' ? 'refund_failed' : 'refund',
    access: status === 'failed' ? 'unchanged' : 'revoked',
  },
  purchase: status === 'failed' ? { amountRefundedCents: 0, refundedAt: null } : refunded,
});
const disputeCase = (
  status: string,
  kind: string,
  disputeStatus: string | null,
  access: string,
): FixtureCase => ({
  sold: true,
  object: (bound) => disputeOf(bound, status),
  result: { status: 'payment_event_recorded', kind, access } as Partial<FulfillmentResult>,
  purchase: { status: 'completed', disputeStatus },
});

/** Every handled type (the type checker and the first test make sure none is missing). */
const cases: Record<HandledStripeEventType, FixtureCase> = {
  'checkout.session.completed': {
    sold: false,
    object: (bound) => sessionOf(bound, paid),
    result: { status: 'completed' },
    purchase: { status: 'completed', stripePaymentIntentId: expect.stringMatching(/^pi_/) },
  },
  'checkout.session.async_payment_succeeded': {
    sold: false,
    object: (bound) => sessionOf(bound, paid),
    result: { status: 'completed' },
    purchase: { status: 'completed', stripePaymentIntentId: expect.stringMatching(/^pi_/) },
  },
  'checkout.session.async_payment_failed': {
    sold: false,
    object: (bound) => sessionOf(bound, { status: 'complete', payment_status: 'unpaid' }),
    result: { status: 'failed' },
    purchase: { status: 'failed' },
  },
  'checkout.session.expired': {
    sold: false,
    object: (bound) =>
      sessionOf(bound, { status: 'expired', payment_status: 'unpaid', payment_intent: null }),
    result: { status: 'failed' },
    purchase: { status: 'failed' },
  },
  'charge.refunded': {
    sold: true,
    object: (bound) =>
      stripeFixture('charge', {
        ...money(bound),
        id: bound.chargeId,
        amount_captured: PRICE,
        amount_refunded: PRICE,
        captured: true,
        refunded: true,
      }),
    result: { status: 'payment_event_recorded', kind: 'refund', access: 'revoked' },
    purchase: refunded,
  },
  'refund.created': refundCase('succeeded'),
  'refund.updated': refundCase('succeeded'),
  'refund.failed': refundCase('failed'),
  'charge.refund.updated': refundCase('succeeded'),
  // Stripe's example is an inquiry: no money withdrawn, so access and the purchase stay as they were.
  'charge.dispute.created': disputeCase(
    'warning_needs_response',
    'dispute_opened',
    null,
    'unchanged',
  ),
  'charge.dispute.updated': disputeCase('under_review', 'dispute_opened', 'open', 'revoked'),
  'charge.dispute.closed': disputeCase('lost', 'dispute_lost', 'lost', 'revoked'),
  'charge.dispute.funds_withdrawn': disputeCase(
    'needs_response',
    'dispute_funds_withdrawn',
    'open',
    'revoked',
  ),
  'charge.dispute.funds_reinstated': disputeCase(
    'won',
    'dispute_funds_reinstated',
    'won',
    'unchanged',
  ),
};

describe("Stripe's example objects in every handled event type", () => {
  it('has a case for every handled type', () => {
    expect(Object.keys(cases).sort()).toEqual([...handledStripeEventTypes].sort());
  });

  it.each(handledStripeEventTypes)('%s parses and is handled', async (type) => {
    const fixtureCase = cases[type];
    const bound = fixtureCase.sold ? await completedPurchase() : await pendingPurchase();
    const object = fixtureCase.object(bound);
    if (type === 'charge.refunded') {
      // The handler re-reads the charge's refunds: Stripe answers with its example refund.
      world().stub.addRule({
        match: { method: 'GET', path: '/v1/refunds', form: { charge: bound.chargeId } },
        respond: {
          status: 200,
          body: {
            object: 'list',
            url: '/v1/refunds',
            has_more: false,
            data: [refundOf(bound, 'succeeded')],
          },
        },
        times: 1,
      });
    }
    const event = eventOf(type, object);

    expect(parseStripeEvent(event)).toMatchObject({ status: 'handled', event: { type } });
    const outcome = await deliver(event);

    expect(outcome).toEqual({
      status: 'processed',
      result: expect.objectContaining({ ...fixtureCase.result, purchaseId: bound.purchaseId }),
    });
    expect(await readPurchase(world(), bound.purchaseId)).toMatchObject(fixtureCase.purchase);
    if (type === 'refund.failed') {
      const refunds = await world()
        .db.select()
        .from(stripeRefunds)
        .where(eq(stripeRefunds.purchaseId, bound.purchaseId));
      expect(refunds).toEqual([expect.objectContaining({ status: 'failed', amountCents: PRICE })]);
    }
    if (fixtureCase.sold) {
      const audit = await world()
        .db.select({ kind: paymentEvents.kind })
        .from(paymentEvents)
        .where(eq(paymentEvents.purchaseId, bound.purchaseId));
      expect(audit).toEqual([{ kind: (fixtureCase.result as { kind: string }).kind }]);
    }
  });

  it('completes from a session whose payment intent is expanded (as reconciliation reads it)', async () => {
    const bound = await pendingPurchase();
    const intent = stripeFixture('payment_intent', {
      id: bound.paymentIntentId,
      amount: PRICE,
      amount_received: PRICE,
      currency: bound.currency,
      metadata: { purchaseId: bound.purchaseId },
      status: 'succeeded',
      canceled_at: null,
      last_payment_error: null,
      next_action: null,
      processing: null,
    });
    const event = eventOf(
      'checkout.session.completed',
      sessionOf(bound, { ...paid, payment_intent: intent }),
    );

    expect(await deliver(event)).toMatchObject({
      status: 'processed',
      result: { status: 'completed', purchaseId: bound.purchaseId },
    });
    expect(await readPurchase(world(), bound.purchaseId)).toMatchObject({
      status: 'completed',
      stripePaymentIntentId: bound.paymentIntentId,
    });
  });

  it("parses Stripe's examples as published, unbound, for every handled type", () => {
    const objectFor = (type: HandledStripeEventType) => {
      if (type.startsWith('checkout.')) return stripeFixture('checkout.session');
      if (type === 'charge.refunded') return stripeFixture('charge');
      if (type.startsWith('charge.dispute.')) return stripeFixture('dispute');
      return stripeFixture('refund');
    };
    for (const type of handledStripeEventTypes) {
      expect(parseStripeEvent(stripeFixtureEvent(type, objectFor(type), null)).status).toBe(
        'handled',
      );
    }
  });
});
