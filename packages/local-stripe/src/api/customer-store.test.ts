import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { rejectionOf, useStripeStub } from '../testing/stub-test-support';

const { stub, stripe } = useStripeStub();

describe('customers through the real Stripe SDK', () => {
  it('creates a customer with email, name and metadata, and retrieves it', async () => {
    const created = await stripe().customers.create({
      email: 'reader@codex.test',
      name: 'Ada Reader',
      metadata: { userId: 'user-1' },
      expand: ['tax'],
    });

    expect(created).toMatchObject({
      id: expect.stringMatching(/^cus_[A-Za-z0-9]{14}$/),
      object: 'customer',
      email: 'reader@codex.test',
      name: 'Ada Reader',
      metadata: { userId: 'user-1' },
      created: expect.any(Number),
      livemode: false,
    });
    const retrieved = await stripe().customers.retrieve(created.id);
    expect(retrieved).toEqual(created);
    expect(stub().customers).toEqual([JSON.parse(JSON.stringify(created))]);
    expect(stub().getCustomer(created.id)).toMatchObject({ email: 'reader@codex.test' });
    expect(stub().getCustomer('cus_unknown')).toBeUndefined();
  });

  it('creates a customer with nothing set', async () => {
    await expect(stripe().customers.create()).resolves.toMatchObject({
      email: null,
      name: null,
      metadata: {},
    });
  });

  it('updates email and name, merges metadata, and unsets with empty strings', async () => {
    const { id } = await stripe().customers.create({
      email: 'old@codex.test',
      name: 'Old',
      metadata: { userId: 'user-1', plan: 'free' },
    });

    const updated = await stripe().customers.update(id, {
      email: 'new@codex.test',
      metadata: { plan: '', source: 'checkout' },
    });
    expect(updated).toMatchObject({
      email: 'new@codex.test',
      name: 'Old',
      metadata: { userId: 'user-1', source: 'checkout' },
    });
    await expect(stripe().customers.update(id, { name: '' })).resolves.toMatchObject({
      name: null,
      email: 'new@codex.test',
    });
    await expect(stripe().customers.update(id, { metadata: '' })).resolves.toMatchObject({
      metadata: {},
    });
    expect(stub().getCustomer(id)).toMatchObject({ email: 'new@codex.test', metadata: {} });
  });

  it('answers 404 resource_missing for an unknown customer', async () => {
    for (const call of [
      stripe().customers.retrieve('cus_unknown'),
      stripe().customers.update('cus_unknown', { name: 'X' }),
    ]) {
      const error = await rejectionOf(call);
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error).toMatchObject({
        statusCode: 404,
        code: 'resource_missing',
        message: "No such customer: 'cus_unknown'",
      });
    }
  });

  it.each([
    ['an unknown parameter', { phone: '+1' }, 'phone'],
    ['an email that is not one', { email: 'not-an-email' }, 'email'],
    ['metadata that is not a map', { metadata: 'x' }, 'metadata'],
  ])('refuses %s', async (_, params, param) => {
    const error = await rejectionOf(
      stripe().customers.create(params as Stripe.CustomerCreateParams),
    );
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, param });
    expect(stub().customers).toEqual([]);
  });
});

describe('customer idempotency', () => {
  it('replays the same customer for the same key', async () => {
    const params = { email: 'reader@codex.test', metadata: { userId: 'user-1' } };
    const first = await stripe().customers.create(params, { idempotencyKey: 'customer-user-1' });
    const again = await stripe().customers.create(params, { idempotencyKey: 'customer-user-1' });

    expect(again.id).toBe(first.id);
    expect(stub().customers).toHaveLength(1);
    expect(stub().requests.map((request) => request.replayed)).toEqual([false, true]);
  });

  it('creates one customer for concurrent requests with the same key', async () => {
    // Stripe would answer the second 409 while the first runs, and the SDK would retry into the
    // replay; the stub answers one after the other, so the second is the replay at once.
    const params = { email: 'reader@codex.test' };
    const created = await Promise.all(
      Array.from({ length: 5 }, () =>
        stripe().customers.create(params, { idempotencyKey: 'customer-race' }),
      ),
    );

    expect(new Set(created.map((customer) => customer.id)).size).toBe(1);
    expect(stub().customers).toHaveLength(1);
    expect(stub().requests.filter((request) => request.replayed)).toHaveLength(4);
  });

  it('creates two customers for concurrent requests with different keys', async () => {
    await Promise.all([
      stripe().customers.create({ email: 'reader@codex.test' }, { idempotencyKey: 'a' }),
      stripe().customers.create({ email: 'reader@codex.test' }, { idempotencyKey: 'b' }),
    ]);
    expect(stub().customers).toHaveLength(2);
  });

  it('lists customers over the control endpoint', async () => {
    const { id } = await stripe().customers.create({ email: 'reader@codex.test' });
    const response = await fetch(`${stub().url}/__stub/customers`);
    expect(await response.json()).toMatchObject({ data: [{ id, email: 'reader@codex.test' }] });
  });
});
