import { eq, stripeCustomers } from '@codex/database';
import type { StripeStubEvent } from '@codex/local-stripe';
import { createTestUser } from '@codex/test-utils';
import { describe, expect, it } from 'vitest';
import { useTestWorld } from '../testing/test-world';

// One Stripe Customer per buyer, reused across purchases (`reuseStripeCustomers`): Checkout
// creates it on the buyer's first paid checkout, the completion records it, later checkouts name it.
const RACERS = 8;
const world = useTestWorld({ maxConnections: RACERS * 2 });
const reusing = (options: { automaticTax?: boolean } = {}) =>
  world().checkout({ reuseStripeCustomers: true, ...options });

async function newItems(count: number) {
  const items: string[] = [];
  for (let index = 0; index < count; index++) items.push((await world().newItem(700)).contentId);
  return items;
}

async function mappingsOf(customerId: string) {
  return world()
    .db.select()
    .from(stripeCustomers)
    .where(eq(stripeCustomers.customerId, customerId));
}

/** Stripe API calls since `from` (an index into the stand-in's request log) with this method and path. */
function callsSince(from: number, method: string, path: RegExp) {
  return world()
    .stub.requests.slice(from)
    .filter((request) => request.method === method && path.test(request.path));
}

async function checkOut(
  customerId: string,
  contentId: string,
  customerEmail?: string,
  options: { automaticTax?: boolean } = {},
) {
  const result = await reusing(options).createCheckoutSession(
    customerId,
    contentId,
    customerEmail ? { customerEmail } : {},
  );
  if (result.status !== 'checkout_created') throw new Error(`unexpected ${result.status}`);
  const [request] = callsSince(0, 'POST', /^\/v1\/checkout\/sessions$/).filter(
    (candidate) => candidate.form.client_reference_id === result.purchaseId,
  );
  return { ...result, form: request?.form ?? {} };
}

async function deliver(events: readonly StripeStubEvent[]) {
  for (const event of events) {
    await world()
      .fulfillment()
      .handleStripeEvent(JSON.parse(JSON.stringify(event)));
  }
}

/** Pays the session by card at the stand-in and delivers what Stripe sends. */
async function pay(sessionId: string) {
  await deliver(world().stub.payCheckoutSession(sessionId, { method: 'card' }));
  return world().stub.getSession(sessionId);
}

describe('one Stripe Customer per buyer', () => {
  it('is created by Checkout on the first paid checkout, recorded by its completion, and named by the next', async () => {
    const [first, second] = await newItems(2);
    const customerId = createTestUser();
    const before = world().stub.requests.length;
    const one = await checkOut(customerId, first ?? '', 'buyer@example.test');
    // No Customer call before the session: one Stripe call for a first checkout.
    expect(callsSince(before, 'POST', /^\/v1\/customers/)).toHaveLength(0);
    expect(one.form).toMatchObject({
      customer_creation: 'always',
      customer_email: 'buyer@example.test',
    });
    expect(one.form.customer).toBeUndefined();
    expect(await mappingsOf(customerId)).toHaveLength(0);

    const paid = await pay(one.sessionId);
    const [mapping] = await mappingsOf(customerId);
    expect(paid?.customer).toMatch(/^cus_/);
    expect(mapping).toMatchObject({
      stripeCustomerId: paid?.customer,
      email: 'buyer@example.test',
    });

    const middle = world().stub.requests.length;
    const two = await checkOut(customerId, second ?? '', 'buyer@example.test');
    // The mapping came with the claim; same address: no Customer call at all.
    expect(callsSince(middle, 'POST', /^\/v1\/customers/)).toHaveLength(0);
    expect(two.form.customer).toBe(mapping?.stripeCustomerId);
    // `customer` excludes `customer_email` and `customer_creation` at Stripe.
    expect(two.form.customer_email).toBeUndefined();
    expect(two.form.customer_creation).toBeUndefined();
  });

  it('gives a reused Customer the buyer’s address once one arrives, and only when it changes', async () => {
    const [first, second, third] = await newItems(3);
    const customerId = createTestUser();
    const one = await checkOut(customerId, first ?? '');
    const customer = (await pay(one.sessionId))?.customer ?? '';
    expect(world().stub.getCustomer(customer)?.email).toBeNull();

    const before = world().stub.requests.length;
    const two = await checkOut(customerId, second ?? '', 'new@example.test');
    expect(two.form.customer).toBe(customer);
    expect(callsSince(before, 'POST', /^\/v1\/customers\//)).toHaveLength(1);
    expect(world().stub.getCustomer(customer)?.email).toBe('new@example.test');
    expect((await mappingsOf(customerId))[0]?.email).toBe('new@example.test');

    // The address we last gave Stripe: no update again.
    const after = world().stub.requests.length;
    await checkOut(customerId, third ?? '', 'new@example.test');
    expect(callsSince(after, 'POST', /^\/v1\/customers/)).toHaveLength(0);
  });

  it('asks Checkout to save the buyer’s address on a reused Customer when automatic tax needs it', async () => {
    const [first, second] = await newItems(2);
    const customerId = createTestUser();
    const one = await checkOut(customerId, first ?? '', undefined, { automaticTax: true });
    expect(one.form['customer_update[address]']).toBeUndefined();
    const customer = (await pay(one.sessionId))?.customer;

    // The stand-in, as Stripe, refuses automatic tax with a Customer that has no address unless
    // Checkout may save one: this checkout succeeding is the proof.
    const two = await checkOut(customerId, second ?? '', undefined, { automaticTax: true });
    expect(two.form).toMatchObject({ customer, 'customer_update[address]': 'auto' });
  });

  it('serves a buyer whose id is 250 characters long', async () => {
    const [first, second] = await newItems(2);
    const customerId = `auth0|${'x'.repeat(244)}`;
    expect(customerId).toHaveLength(250);
    const one = await checkOut(customerId, first ?? '', 'long@example.test');
    const customer = (await pay(one.sessionId))?.customer;
    expect((await mappingsOf(customerId))[0]?.stripeCustomerId).toBe(customer);
    expect((await checkOut(customerId, second ?? '')).form.customer).toBe(customer);
  });

  it(`maps exactly one Customer when ${RACERS} first checkouts are paid and completed at once`, async () => {
    const items = await newItems(RACERS + 1);
    const customerId = createTestUser();
    const started = await Promise.all(
      items.slice(0, RACERS).map((contentId) => checkOut(customerId, contentId, 'r@example.test')),
    );
    const paidEvents = started.map((checkout) =>
      world().stub.payCheckoutSession(checkout.sessionId, { method: 'card' }),
    );
    await Promise.all(paidEvents.map((events) => deliver(events)));

    const mappings = await mappingsOf(customerId);
    expect(mappings).toHaveLength(1);
    const created = new Set(
      started.map((checkout) => world().stub.getSession(checkout.sessionId)?.customer),
    );
    // Checkout made one Customer per paid session; the first completion's is the buyer's.
    expect(created).toContain(mappings[0]?.stripeCustomerId);
    const next = await checkOut(customerId, items[RACERS] ?? '');
    expect(next.form.customer).toBe(mappings[0]?.stripeCustomerId);
  });
});
