import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import {
  type CheckoutSessionParamsOptions,
  checkoutSessionIdempotencyKey,
  checkoutSessionParams,
} from '../checkout/checkout-session-params';
import {
  buyerOf,
  type CheckoutOptionSet,
  checkoutOptionSets,
  describeOptionSet,
} from './checkout-option-sets';
import {
  type ContractCase,
  type ContractTarget,
  type FieldRead,
  type Observation,
  observe,
  shapeOf,
} from './stripe-contract-target';

export const EMAIL = 'contract@codex.test';
export const PRICE = { currency: 'usd', priceCents: 1000 };

/** The fields of a Checkout Session checkout and fulfillment read. */
const SESSION_READS: Record<string, FieldRead> = {
  id: 'type',
  url: 'type',
  expires_at: 'type',
  status: 'value',
  payment_status: 'value',
  amount_total: 'value',
  amount_subtotal: 'value',
  currency: 'value',
  client_reference_id: 'type',
  'metadata.purchaseId': 'type',
  customer: 'type',
  'total_details.amount_discount': 'value',
  'total_details.amount_tax': 'type',
  'automatic_tax.enabled': 'value',
  discounts: 'type',
  payment_intent: 'value',
};

/** The builder's options for `set`, with ids new to this run. */
export function optionsOf(
  set: CheckoutOptionSet,
  customer: string,
  promotionCodeId?: string,
): CheckoutSessionParamsOptions {
  return {
    purchaseId: randomUUID(),
    customerId: `contract-${randomUUID()}`,
    item: {
      id: randomUUID(),
      organizationId: randomUUID(),
      title: 'Contract item',
      description: set.description,
      priceCents: set.price.priceCents,
      currency: set.price.currency,
    },
    buyer: buyerOf(set.buyer, customer, EMAIL),
    terms: set.terms,
    promotionCodeId: set.promotionCode === 'code' ? promotionCodeId : undefined,
    webAppUrl: 'https://app.codex.test',
    now: new Date(),
    ttlMinutes: 30,
  };
}

/** A 10 % promotion code made through the API on the target, as a seller makes one. */
export async function promotionCode(target: ContractTarget): Promise<string> {
  const coupon = await target.stripe.coupons.create({ percent_off: 10, duration: 'once' });
  const code = await target.stripe.promotionCodes.create({
    promotion: { type: 'coupon', coupon: coupon.id },
    code: `C${target.runId.replaceAll('-', '').slice(0, 12).toUpperCase()}${randomUUID().slice(0, 4)}`,
    metadata: { organizationId: 'contract-org' },
  });
  return code.id;
}

/** A returning buyer's Customer, as a completed first checkout leaves it: an e-mail, no address. */
export async function reusedCustomer(target: ContractTarget): Promise<string> {
  const customerId = `contract-${target.runId}`;
  const customer = await target.stripe.customers.create(
    { email: EMAIL, metadata: { customerId } },
    { idempotencyKey: `customer:${customerId}` },
  );
  return customer.id;
}

/** Creates the session as checkout does, reads it back as fulfillment does, and expires it. */
export async function sessionLifecycle(
  target: ContractTarget,
  params: Stripe.Checkout.SessionCreateParams,
  idempotencyKey: string,
): Promise<Record<string, Observation>> {
  const { stripe } = target;
  let id: string | undefined;
  const created = await observe(
    stripe.checkout.sessions.create(params, { idempotencyKey }),
    (session) => {
      id = session.id;
      return shapeOf(session, SESSION_READS);
    },
  );
  if (id === undefined) return { created };
  const sessionId = id;
  const retrieved = await observe(
    stripe.checkout.sessions.retrieve(sessionId, { expand: ['payment_intent'] }),
    (session) => shapeOf(session, { status: 'value', url: 'type', payment_intent: 'value' }),
  );
  const expired = await observe(stripe.checkout.sessions.expire(sessionId), (session) =>
    shapeOf(session, { status: 'value', url: 'value' }),
  );
  return { created, retrieved, expired };
}

/** What an open session of `set` looks like through its life. */
export function acceptedSession(set: CheckoutOptionSet, extra: { discount?: number } = {}) {
  // The builder's own code is a 10 % one (`promotionCode`).
  const discount = extra.discount ?? (set.promotionCode === 'code' ? set.price.priceCents / 10 : 0);
  return {
    created: shapeOf(
      {
        id: 's',
        url: 's',
        expires_at: 1,
        status: 'open',
        payment_status: 'unpaid',
        amount_total: set.price.priceCents - discount,
        amount_subtotal: set.price.priceCents,
        currency: set.price.currency,
        client_reference_id: 's',
        metadata: { purchaseId: 's' },
        customer: set.buyer === 'customer' ? 's' : null,
        total_details: { amount_discount: discount, amount_tax: 0 },
        automatic_tax: { enabled: set.terms.taxBehavior !== null },
        discounts: [],
        payment_intent: null,
      },
      SESSION_READS,
    ),
    retrieved: shapeOf(
      { status: 'open', url: 's', payment_intent: null },
      { status: 'value', url: 'type', payment_intent: 'value' },
    ),
    expired: shapeOf({ status: 'expired', url: null }, { status: 'value', url: 'value' }),
  };
}

/** The session cases: every option set the builder produces, then the parameters it is about to send. */
export function sessionCases(): ContractCase[] {
  const sets = checkoutOptionSets([PRICE]).filter((set) => set.description !== null);
  const fromBuilder = sets.map(
    (set): ContractCase => ({
      name: `session: ${describeOptionSet(set)}`,
      expected: acceptedSession(set),
      async run(target) {
        const code = set.promotionCode === 'code' ? await promotionCode(target) : undefined;
        const options = optionsOf(set, await reusedCustomer(target), code);
        const key = `${checkoutSessionIdempotencyKey(options.purchaseId)}:${target.runId}`;
        return sessionLifecycle(target, checkoutSessionParams(options), key);
      },
    }),
  );
  return fromBuilder;
}
