import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import {
  type ContractCase,
  type ContractTarget,
  type FieldRead,
  type Observation,
  observe,
  refused,
  shapeOf,
} from './stripe-contract-target';

/** The fields of a Refund the refund service and fulfillment read. */
const REFUND_READS: Record<string, FieldRead> = {
  id: 'type',
  amount: 'value',
  currency: 'value',
  status: 'value',
  payment_intent: 'type',
  charge: 'type',
  'metadata.refundRequestId': 'type',
};
/** What the confirmation e-mail reads of a payment: its charge's receipt link. */
const RECEIPT_READS: Record<string, FieldRead> = { 'latest_charge.receipt_url': 'type' };
const PAYMENT_READS: Record<string, FieldRead> = {
  id: 'type',
  status: 'value',
  amount: 'value',
  latest_charge: 'type',
};

/**
 * A card payment of `amount` cents confirmed at once with Stripe's test card (with `manual`, only
 * authorised): what the refund cases refund.
 */
async function pay(
  target: ContractTarget,
  amount: number,
  captureMethod: 'automatic' | 'manual' = 'automatic',
): Promise<{ observed: Observation; id: string | undefined }> {
  let id: string | undefined;
  const observed = await observe(
    target.stripe.paymentIntents.create(
      {
        amount,
        currency: 'usd',
        payment_method: 'pm_card_visa',
        confirm: true,
        automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
        capture_method: captureMethod,
        metadata: { purchaseId: randomUUID() },
      },
      { idempotencyKey: `contract:${target.runId}:${randomUUID()}` },
    ),
    (intent) => {
      id = intent.id;
      return shapeOf(intent, PAYMENT_READS);
    },
  );
  return { observed, id };
}

/** A refund as the refund service asks for it (its metadata, a reason, an idempotency key). */
function refund(
  target: ContractTarget,
  paymentIntent: string,
  amount?: number,
): Promise<Observation> {
  const params: Stripe.RefundCreateParams = {
    payment_intent: paymentIntent,
    ...(amount === undefined ? {} : { amount }),
    reason: 'requested_by_customer',
    metadata: { refundRequestId: randomUUID(), revokeAccess: 'true' },
  };
  return observe(
    target.stripe.refunds.create(params, {
      idempotencyKey: `refund:${target.runId}:${randomUUID()}`,
    }),
    (created) => shapeOf(created, REFUND_READS),
  );
}

const payment = (status: string, amount: number) =>
  shapeOf({ id: 'pi', status, amount, latest_charge: 'ch' }, PAYMENT_READS);
const refunded = (amount: number) =>
  shapeOf(
    {
      id: 're',
      amount,
      currency: 'usd',
      status: 'succeeded',
      payment_intent: 'pi',
      charge: 'ch',
      metadata: { refundRequestId: 'r' },
    },
    REFUND_READS,
  );

/** Refunds in part, in full and beyond, of a paid and of an authorised payment; the minimum charge; key length. */
export function refundCases(): ContractCase[] {
  return [
    {
      name: 'refund: in part, the rest, then more than is left; listed by payment intent',
      expected: {
        payment: payment('succeeded', 2000),
        // The confirmation e-mail's receipt link (`findStripeReceiptUrl`).
        receipt: shapeOf({ latest_charge: { receipt_url: 'https://' } }, RECEIPT_READS),
        partial: refunded(500),
        rest: refunded(1500),
        more: refused('charge_already_refunded', null),
        listed: shapeOf(
          { data: [{ amount: 1500 }, { amount: 500 }], has_more: false },
          {
            'data.0.amount': 'value',
            'data.1.amount': 'value',
            has_more: 'value',
          },
        ),
      },
      async run(target): Promise<Record<string, Observation>> {
        const { observed, id } = await pay(target, 2000);
        if (id === undefined) return { payment: observed };
        const receipt = await observe(
          target.stripe.paymentIntents.retrieve(id, { expand: ['latest_charge'] }),
          (intent) => shapeOf(intent, RECEIPT_READS),
        );
        const partial = await refund(target, id, 500);
        const rest = await refund(target, id);
        const more = await refund(target, id, 1);
        const listed = await observe(
          target.stripe.refunds.list({ payment_intent: id, limit: 100 }),
          (page) =>
            shapeOf(page, {
              'data.0.amount': 'value',
              'data.1.amount': 'value',
              has_more: 'value',
            }),
        );
        return { payment: observed, receipt, partial, rest, more, listed };
      },
    },
    {
      name: 'refund: more than was charged',
      expected: {
        payment: payment('succeeded', 2000),
        refund: refused('amount_too_large', 'amount'),
      },
      async run(target): Promise<Record<string, Observation>> {
        const { observed, id } = await pay(target, 2000);
        return id === undefined
          ? { payment: observed }
          : { payment: observed, refund: await refund(target, id, 2500) };
      },
    },
    {
      name: 'refund: an authorisation awaiting a manual capture',
      expected: {
        payment: payment('requires_capture', 2000),
        refund: refused(null, 'payment_intent'),
      },
      async run(target): Promise<Record<string, Observation>> {
        const { observed, id } = await pay(target, 2000, 'manual');
        return id === undefined
          ? { payment: observed }
          : { payment: observed, refund: await refund(target, id) };
      },
    },
    {
      name: 'payment intent: below the minimum charge',
      expected: { payment: refused('amount_too_small', 'amount') },
      async run(target): Promise<Record<string, Observation>> {
        return { payment: (await pay(target, 49)).observed };
      },
    },
    {
      name: 'idempotency: a key of 256 characters',
      expected: { customer: refused(null, null) },
      async run(target): Promise<Record<string, Observation>> {
        const key = `contract-${target.runId}-`.padEnd(256, 'k');
        const customer = await observe(
          target.stripe.customers.create({ email: 'contract@codex.test' }, { idempotencyKey: key }),
          (created) => shapeOf(created, { id: 'type' }),
        );
        return { customer };
      },
    },
  ];
}
