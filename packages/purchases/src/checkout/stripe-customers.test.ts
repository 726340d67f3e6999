import { contentPurchases, eq, stripeCustomers } from '@codex/database';
import { createTestUser } from '@codex/test-utils';
import { describe, expect, it } from 'vitest';
import { isPurchaseError } from '../purchase-error';
import { useTestWorld } from '../testing/test-world';

// One Stripe Customer per buyer, reused across purchases (`reuseStripeCustomers`).
const RACERS = 8;
const world = useTestWorld({ maxConnections: RACERS * 2 });
const reusing = () => world().checkout({ reuseStripeCustomers: true });

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

async function checkOut(customerId: string, contentId: string, customerEmail?: string) {
  const result = await reusing().createCheckoutSession(
    customerId,
    contentId,
    customerEmail ? { customerEmail } : {},
  );
  if (result.status !== 'checkout_created') throw new Error(`unexpected ${result.status}`);
  return { ...result, session: world().stub.getSession(result.sessionId) };
}

describe('one Stripe Customer per buyer', () => {
  it('creates it on the first paid checkout and reuses it, with no Stripe call, on the next', async () => {
    const [first, second] = await newItems(2);
    const customerId = createTestUser();
    const before = world().stub.requests.length;
    const one = await checkOut(customerId, first ?? '', 'buyer@example.test');
    expect(callsSince(before, 'POST', /^\/v1\/customers$/)).toHaveLength(1);

    const middle = world().stub.requests.length;
    const two = await checkOut(customerId, second ?? '', 'buyer@example.test');
    // The mapping came with the claim; same address: no customers call at all.
    expect(callsSince(middle, 'POST', /^\/v1\/customers/)).toHaveLength(0);

    const [mapping] = await mappingsOf(customerId);
    expect(one.session?.customer).toBe(mapping?.stripeCustomerId);
    expect(two.session?.customer).toBe(mapping?.stripeCustomerId);
    // `customer` replaces `customer_email`: Stripe's receipt goes to the customer's e-mail.
    expect(one.session?.customer_email).toBeNull();
    expect(world().stub.getCustomer(mapping?.stripeCustomerId ?? '')).toMatchObject({
      email: 'buyer@example.test',
      metadata: { customerId },
    });
  });

  it('reuses the customer without an address, and gives it the address once one arrives', async () => {
    const [first, second, third] = await newItems(3);
    const customerId = createTestUser();
    const one = await checkOut(customerId, first ?? '');
    const customer = one.session?.customer ?? '';
    expect(world().stub.getCustomer(customer)?.email).toBeNull();

    const before = world().stub.requests.length;
    const two = await checkOut(customerId, second ?? '', 'new@example.test');
    expect(two.session?.customer).toBe(customer);
    expect(callsSince(before, 'POST', /^\/v1\/customers\//)).toHaveLength(1);
    expect(world().stub.getCustomer(customer)?.email).toBe('new@example.test');
    expect((await mappingsOf(customerId))[0]?.email).toBe('new@example.test');

    // The address we last gave Stripe: no update again.
    const after = world().stub.requests.length;
    await checkOut(customerId, third ?? '', 'new@example.test');
    expect(callsSince(after, 'POST', /^\/v1\/customers/)).toHaveLength(0);
  });

  it('fails the checkout cleanly when the customer cannot be created, and recovers next time', async () => {
    const [contentId] = await newItems(1);
    const customerId = createTestUser();
    const removeRule = world().stub.addRule({
      match: {
        method: 'POST',
        path: '/v1/customers',
        form: { 'metadata[customerId]': customerId },
      },
      respond: { status: 503 },
    });
    try {
      const failure = await reusing()
        .createCheckoutSession(customerId, contentId ?? '')
        .catch((error: unknown) => error);
      expect(isPurchaseError(failure) && failure.code).toBe('PAYMENT_PROVIDER_ERROR');
    } finally {
      removeRule();
    }
    const rows = await world()
      .db.select({ status: contentPurchases.status })
      .from(contentPurchases)
      .where(eq(contentPurchases.customerId, customerId));
    expect(rows.map((row) => row.status)).toEqual(['failed']);
    expect(await mappingsOf(customerId)).toHaveLength(0);

    const retried = await checkOut(customerId, contentId ?? '');
    expect(retried.session?.customer).toBe((await mappingsOf(customerId))[0]?.stripeCustomerId);
  });

  it(`maps exactly one customer when ${RACERS} first checkouts of different items race`, async () => {
    const items = await newItems(RACERS);
    const customerId = createTestUser();
    const before = world().stub.requests.length;
    const results = await Promise.all(
      items.map((contentId) => checkOut(customerId, contentId, 'racer@example.test')),
    );

    const mappings = await mappingsOf(customerId);
    expect(mappings).toHaveLength(1);
    const customers = new Set(results.map((result) => result.session?.customer));
    expect([...customers]).toEqual([mappings[0]?.stripeCustomerId]);
    // Every racer that saw no mapping asked Stripe, with the buyer's one idempotency key: Stripe
    // (the stand-in) made one customer for all of them.
    const created = callsSince(before, 'POST', /^\/v1\/customers$/);
    expect(new Set(created.map((request) => request.idempotencyKey))).toEqual(
      new Set([`customer:${customerId}`]),
    );
    expect(
      world().stub.customers.filter((customer) => customer.metadata.customerId === customerId),
    ).toHaveLength(1);
    if (world().testDb.mode === 'server') {
      // On a server the checkouts truly overlap: more than one reached the insert.
      expect(created.length).toBeGreaterThan(1);
    }
  });
});
