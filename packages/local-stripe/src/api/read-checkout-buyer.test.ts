import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { rejectionOf, sessionParams, useStripeStub } from '../testing/stub-test-support';

const { stripe } = useStripeStub();

const base = sessionParams({}, { tax_behavior: 'exclusive' });
const withTax = { ...base, automatic_tax: { enabled: true } };

const TAX_LOCATION_MESSAGE =
  "Automatic tax calculation in Checkout requires a valid address on the Customer. Add a valid address to the Customer or set either `customer_update[address]` to 'auto' or `customer_update[shipping]` to 'auto' to save the address entered in Checkout to the Customer.";

describe('customer_creation', () => {
  it.each(['always', 'if_required'] as const)(
    'accepts %s and returns it on the session',
    async (value) => {
      await expect(
        stripe().checkout.sessions.create({ ...base, customer_creation: value }),
      ).resolves.toMatchObject({ customer_creation: value, customer: null });
      await expect(
        stripe().checkout.sessions.create({
          ...base,
          customer_email: 'reader@codex.test',
          customer_creation: value,
        }),
      ).resolves.toMatchObject({ customer_creation: value, customer_email: 'reader@codex.test' });
    },
  );

  it('is null when not sent', async () => {
    await expect(stripe().checkout.sessions.create(base)).resolves.toMatchObject({
      customer_creation: null,
    });
  });

  it('refuses customer_creation with customer, naming customer', async () => {
    const customer = await stripe().customers.create({ email: 'reader@codex.test' });
    const error = await rejectionOf(
      stripe().checkout.sessions.create({
        ...base,
        customer: customer.id,
        customer_creation: 'always',
      }),
    );
    expect(error).toMatchObject({
      statusCode: 400,
      param: 'customer',
      message: 'You may only specify one of these parameters: customer, customer_creation.',
    });
  });

  it('refuses a value other than always and if_required', async () => {
    const error = await rejectionOf(
      stripe().checkout.sessions.create({
        ...base,
        customer_creation: 'sometimes' as Stripe.Checkout.SessionCreateParams.CustomerCreation,
      }),
    );
    expect(error).toMatchObject({ statusCode: 400, param: 'customer_creation' });
  });
});

describe('customer_update', () => {
  it('is refused without customer, in Stripe’s words', async () => {
    const error = await rejectionOf(
      stripe().checkout.sessions.create({
        ...base,
        customer_email: 'reader@codex.test',
        customer_update: { address: 'auto' },
      }),
    );
    expect(error).toMatchObject({
      statusCode: 400,
      param: 'customer_update',
      message: '`customer_update` can only be used with `customer`.',
    });
  });

  it('takes auto or never for address, name and shipping, and refuses anything else', async () => {
    const customer = await stripe().customers.create({ email: 'reader@codex.test' });
    await expect(
      stripe().checkout.sessions.create({
        ...base,
        customer: customer.id,
        customer_update: { address: 'auto', name: 'never', shipping: 'never' },
      }),
    ).resolves.not.toHaveProperty('customer_update');
    await expect(
      rejectionOf(
        stripe().checkout.sessions.create({
          ...base,
          customer: customer.id,
          customer_update: { address: 'always' as 'auto' },
        }),
      ),
    ).resolves.toMatchObject({ statusCode: 400, param: 'customer_update[address]' });
    await expect(
      rejectionOf(
        stripe().checkout.sessions.create({
          ...base,
          customer: customer.id,
          customer_update: { email: 'auto' } as Stripe.Checkout.SessionCreateParams.CustomerUpdate,
        }),
      ),
    ).resolves.toMatchObject({ code: 'parameter_unknown', param: 'customer_update[email]' });
  });
});

describe('automatic tax with a reused Customer', () => {
  it('refuses a Customer without an address: customer_tax_location_invalid', async () => {
    const customer = await stripe().customers.create({ email: 'reader@codex.test' });
    const error = await rejectionOf(
      stripe().checkout.sessions.create({ ...withTax, customer: customer.id }),
    );
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({
      statusCode: 400,
      code: 'customer_tax_location_invalid',
      message: TAX_LOCATION_MESSAGE,
      raw: { doc_url: 'https://stripe.com/docs/error-codes/customer-tax-location-invalid' },
    });
  });

  it.each([[{ address: 'auto' }], [{ shipping: 'auto' }]] as const)(
    'accepts it when the session saves the address entered (%o)',
    async (update) => {
      const customer = await stripe().customers.create({ email: 'reader@codex.test' });
      await expect(
        stripe().checkout.sessions.create({
          ...withTax,
          customer: customer.id,
          customer_update: update,
        }),
      ).resolves.toMatchObject({ automatic_tax: { enabled: true } });
    },
  );

  it('still refuses with customer_update[address]=never or only the name saved', async () => {
    const customer = await stripe().customers.create({ email: 'reader@codex.test' });
    for (const update of [{ address: 'never' }, { name: 'auto' }] as const) {
      await expect(
        rejectionOf(
          stripe().checkout.sessions.create({
            ...withTax,
            customer: customer.id,
            customer_update: update,
          }),
        ),
      ).resolves.toMatchObject({ code: 'customer_tax_location_invalid' });
    }
  });

  it('accepts a Customer whose address places it for tax (a US one needs a postal code)', async () => {
    const placed = await stripe().customers.create({
      email: 'reader@codex.test',
      address: { country: 'US', postal_code: '94080' },
    });
    await expect(
      stripe().checkout.sessions.create({ ...withTax, customer: placed.id }),
    ).resolves.toMatchObject({ customer: placed.id });
    const german = await stripe().customers.create({ address: { country: 'de' } });
    expect(german.address).toEqual({
      line1: null,
      line2: null,
      city: null,
      state: null,
      postal_code: null,
      country: 'DE',
    });
    await expect(
      stripe().checkout.sessions.create({ ...withTax, customer: german.id }),
    ).resolves.toBeDefined();
    const vague = await stripe().customers.create({ address: { country: 'US', city: 'Austin' } });
    await expect(
      rejectionOf(stripe().checkout.sessions.create({ ...withTax, customer: vague.id })),
    ).resolves.toMatchObject({ code: 'customer_tax_location_invalid' });
  });

  it('does not apply without automatic tax, nor to customer_email or an anonymous buyer', async () => {
    const customer = await stripe().customers.create({ email: 'reader@codex.test' });
    await expect(
      stripe().checkout.sessions.create({ ...base, customer: customer.id }),
    ).resolves.toBeDefined();
    await expect(
      stripe().checkout.sessions.create({ ...withTax, customer_email: 'reader@codex.test' }),
    ).resolves.toBeDefined();
    await expect(stripe().checkout.sessions.create(withTax)).resolves.toBeDefined();
  });

  it('follows the Customer’s address as it is updated, and unset', async () => {
    const customer = await stripe().customers.create({ email: 'reader@codex.test' });
    await stripe().customers.update(customer.id, { address: { country: 'FR' } });
    await expect(
      stripe().checkout.sessions.create({ ...withTax, customer: customer.id }),
    ).resolves.toBeDefined();
    await stripe().customers.update(customer.id, { address: '' });
    await expect(
      rejectionOf(stripe().checkout.sessions.create({ ...withTax, customer: customer.id })),
    ).resolves.toMatchObject({ code: 'customer_tax_location_invalid' });
  });
});
