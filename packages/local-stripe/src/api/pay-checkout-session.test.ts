import { describe, expect, it } from 'vitest';
import { sessionParams, thrownBy, types, useStripeStub } from '../testing/stub-test-support';

const { stub, stripe } = useStripeStub();

const base = sessionParams({}, { currency: 'eur', tax_behavior: 'exclusive' });

const US_ADDRESS = {
  line1: '354 Oyster Point Blvd',
  line2: null,
  city: 'South San Francisco',
  state: 'CA',
  postal_code: '94080',
  country: 'US',
};

describe('the billing address a payment enters', () => {
  it('is a US address unless the payment names one, and shows in customer_details', async () => {
    const session = await stripe().checkout.sessions.create(base);
    stub().payCheckoutSession(session.id);
    expect(stub().getSession(session.id)?.customer_details?.address).toEqual(US_ADDRESS);
  });

  it('takes an address or only a country', async () => {
    const one = await stripe().checkout.sessions.create(base);
    stub().payCheckoutSession(one.id, {
      address: { country: 'de', city: 'Berlin', postal_code: '10115' },
    });
    expect(stub().getSession(one.id)?.customer_details?.address).toEqual({
      line1: null,
      line2: null,
      city: 'Berlin',
      state: null,
      postal_code: '10115',
      country: 'DE',
    });
    const two = await stripe().checkout.sessions.create(base);
    stub().payCheckoutSession(two.id, { country: 'FR' });
    expect(stub().getSession(two.id)?.customer_details?.address).toMatchObject({
      country: 'FR',
      city: null,
    });
    const three = await stripe().checkout.sessions.create(base);
    expect(
      thrownBy(() => stub().payCheckoutSession(three.id, { country: 'France' })),
    ).toMatchObject({
      status: 400,
    });
  });
});

describe('customer_creation: always', () => {
  it('creates a Customer on completion from the details entered, names it on the session and emits customer.created first', async () => {
    const session = await stripe().checkout.sessions.create({
      ...base,
      customer_email: 'first@codex.test',
      customer_creation: 'always',
    });
    const events = stub().payCheckoutSession(session.id, { country: 'NL' });

    expect(types(events)).toEqual(['customer.created', 'checkout.session.completed']);
    const completed = await stripe().checkout.sessions.retrieve(session.id);
    expect(completed.customer).toMatch(/^cus_/);
    expect(events[1]?.data.object).toMatchObject({ customer: completed.customer });
    const customer = await stripe().customers.retrieve(String(completed.customer));
    expect(customer).toMatchObject({
      email: 'first@codex.test',
      address: { country: 'NL' },
      metadata: {},
    });
    expect(events[0]?.data.object).toMatchObject({ id: completed.customer, object: 'customer' });
  });

  it('creates one for a no-cost order too, and none with if_required or without the parameter', async () => {
    const code = stub().createPromotionCode({ code: 'FREE', percentOff: 100 });
    const free = await stripe().checkout.sessions.create({
      ...base,
      customer_creation: 'always',
      discounts: [{ promotion_code: code.id }],
    });
    stub().payCheckoutSession(free.id);
    expect(stub().getSession(free.id)).toMatchObject({
      payment_status: 'no_payment_required',
      customer: expect.stringMatching(/^cus_/),
    });
    for (const extra of [{ customer_creation: 'if_required' as const }, {}]) {
      const session = await stripe().checkout.sessions.create({ ...base, ...extra });
      expect(types(stub().payCheckoutSession(session.id))).toEqual(['checkout.session.completed']);
      expect(stub().getSession(session.id)?.customer).toBeNull();
    }
    expect(stub().customers).toHaveLength(1);
  });
});

describe('customer_update[address]=auto', () => {
  it('saves the billing address entered onto the Customer, so its next taxed session passes', async () => {
    const customer = await stripe().customers.create({ email: 'back@codex.test' });
    const session = await stripe().checkout.sessions.create({
      ...base,
      automatic_tax: { enabled: true },
      customer: customer.id,
      customer_update: { address: 'auto' },
    });
    stub().payCheckoutSession(session.id);

    expect(stub().getCustomer(customer.id)?.address).toEqual(US_ADDRESS);
    await expect(
      stripe().checkout.sessions.create({
        ...base,
        automatic_tax: { enabled: true },
        customer: customer.id,
      }),
    ).resolves.toMatchObject({ customer: customer.id });
  });

  it('leaves the Customer’s address alone without it', async () => {
    const customer = await stripe().customers.create({ email: 'back@codex.test' });
    const session = await stripe().checkout.sessions.create({ ...base, customer: customer.id });
    stub().payCheckoutSession(session.id);
    expect(stub().getCustomer(customer.id)?.address).toBeNull();
  });
});
