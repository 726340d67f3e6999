import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { createSession, rejectionOf, useStripeStub } from '../testing/stub-test-support';

const { stub, stripe } = useStripeStub();

const base: Stripe.Checkout.SessionCreateParams = {
  mode: 'payment',
  success_url: 'https://codex.test/success',
  cancel_url: 'https://codex.test/cancel',
  line_items: [
    {
      quantity: 1,
      price_data: { currency: 'usd', unit_amount: 1000, product_data: { name: 'A' } },
    },
  ],
};

describe('a checkout session’s customer', () => {
  it('carries an existing customer by id, without customer_email or details while open', async () => {
    const customer = await stripe().customers.create({ email: 'reader@codex.test' });

    const session = await stripe().checkout.sessions.create({ ...base, customer: customer.id });

    expect(session).toMatchObject({
      customer: customer.id,
      customer_email: null,
      customer_details: null,
    });
  });

  it('refuses an unknown customer, naming the parameter', async () => {
    const error = await rejectionOf(
      stripe().checkout.sessions.create({ ...base, customer: 'cus_unknown' }),
    );
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({
      statusCode: 400,
      code: 'resource_missing',
      param: 'customer',
      message: "No such customer: 'cus_unknown'",
    });
  });

  it('refuses customer together with customer_email', async () => {
    const customer = await stripe().customers.create({ email: 'reader@codex.test' });
    const error = await rejectionOf(
      stripe().checkout.sessions.create({
        ...base,
        customer: customer.id,
        customer_email: 'reader@codex.test',
      }),
    );
    expect(error).toMatchObject({
      statusCode: 400,
      message: 'You may only specify one of these parameters: customer, customer_email.',
    });
  });

  it('names the buyer in customer_details once paid: the customer’s email or customer_email', async () => {
    const customer = await stripe().customers.create({ email: 'ada@codex.test', name: 'Ada' });
    const withCustomer = await createSession(stripe(), { customer: customer.id });
    const withEmail = await createSession(stripe(), { customerEmail: 'bob@codex.test' });
    const anonymous = await createSession(stripe());
    for (const id of [withCustomer, withEmail, anonymous]) stub().payCheckoutSession(id);

    await expect(stripe().checkout.sessions.retrieve(withCustomer)).resolves.toMatchObject({
      customer: customer.id,
      customer_details: { email: 'ada@codex.test', name: 'Ada' },
    });
    await expect(stripe().checkout.sessions.retrieve(withEmail)).resolves.toMatchObject({
      customer: null,
      customer_details: { email: 'bob@codex.test', name: null },
    });
    // On Stripe the buyer types an email on the page; the stub's buyer types none.
    await expect(stripe().checkout.sessions.retrieve(anonymous)).resolves.toMatchObject({
      customer_details: { email: null },
    });
  });
});

describe('a checkout session’s promotion codes and tax settings', () => {
  it('by default: no promotion codes, no automatic tax, zero totals details', async () => {
    const session = await stripe().checkout.sessions.create(base);

    expect(session).toMatchObject({
      allow_promotion_codes: null,
      automatic_tax: { enabled: false, liability: null, provider: null, status: null },
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
      discounts: [],
      amount_subtotal: 1000,
      amount_total: 1000,
    });
  });

  it('carries allow_promotion_codes and automatic tax, keeping each item’s tax_behavior', async () => {
    const session = await stripe().checkout.sessions.create({
      ...base,
      allow_promotion_codes: true,
      automatic_tax: { enabled: true },
      line_items: [
        {
          quantity: 2,
          price_data: {
            currency: 'usd',
            unit_amount: 1000,
            tax_behavior: 'exclusive',
            product_data: { name: 'A' },
          },
        },
      ],
    });

    expect(session).toMatchObject({
      allow_promotion_codes: true,
      automatic_tax: { enabled: true, status: 'requires_location_inputs' },
      total_details: { amount_discount: 0, amount_tax: 0 },
      amount_subtotal: 2000,
      amount_total: 2000,
    });
    expect(stub().getSession(session.id)?.line_items).toEqual([
      {
        name: 'A',
        description: null,
        quantity: 2,
        unit_amount: 1000,
        currency: 'usd',
        tax_behavior: 'exclusive',
      },
    ]);
    await expect(
      stripe().checkout.sessions.create({ ...base, allow_promotion_codes: false }),
    ).resolves.toMatchObject({ allow_promotion_codes: false });
  });

  it.each([
    ['absent', undefined],
    ['unspecified', 'unspecified' as const],
  ])(
    'refuses automatic tax with a tax_behavior %s (the account has no default)',
    async (_, behavior) => {
      const item = (name: string, taxBehavior?: 'exclusive' | 'unspecified') => ({
        quantity: 1,
        price_data: {
          currency: 'usd',
          unit_amount: 500,
          product_data: { name },
          ...(taxBehavior ? { tax_behavior: taxBehavior } : {}),
        },
      });
      const error = await rejectionOf(
        stripe().checkout.sessions.create({
          ...base,
          automatic_tax: { enabled: true },
          line_items: [item('A', 'exclusive'), item('B', behavior)],
        }),
      );
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error).toMatchObject({
        statusCode: 400,
        param: 'line_items[1][price_data][tax_behavior]',
        message: expect.stringContaining('required for automatic tax computation'),
      });
      expect(stub().listPayments()).toEqual([]);
    },
  );

  it('accepts any tax_behavior without automatic tax', async () => {
    await expect(
      createSession(stripe(), { taxBehavior: 'unspecified', automaticTax: false }),
    ).resolves.toMatch(/^cs_test_/);
  });

  it.each([
    ['allow_promotion_codes', { allow_promotion_codes: 'yes' }],
    ['automatic_tax[enabled]', { automatic_tax: { enabled: 'maybe' } }],
    ['automatic_tax[enabled]', { automatic_tax: { liability: { type: 'self' } } }],
    [
      'line_items[0][price_data][tax_behavior]',
      {
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: 'usd',
              unit_amount: 1,
              tax_behavior: 'sometimes',
              product_data: { name: 'A' },
            },
          },
        ],
      },
    ],
  ])('refuses an invalid %s', async (param, overrides) => {
    const error = await rejectionOf(
      stripe().checkout.sessions.create({
        ...base,
        ...(overrides as Partial<Stripe.Checkout.SessionCreateParams>),
      }),
    );
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, param });
  });
});

describe('parameters the stand-in does not implement', () => {
  it.each([
    ['billing_address_collection', { billing_address_collection: 'required' }],
    ['payment_method_types', { payment_method_types: ['card'] }],
    [
      'line_items[0][adjustable_quantity]',
      {
        line_items: [
          {
            quantity: 1,
            adjustable_quantity: { enabled: true },
            price_data: { currency: 'usd', unit_amount: 1000, product_data: { name: 'A' } },
          },
        ],
      },
    ],
    [
      'line_items[0][price_data][product_data][images]',
      {
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: 'usd',
              unit_amount: 1000,
              product_data: { name: 'A', images: ['https://codex.test/a.png'] },
            },
          },
        ],
      },
    ],
    ['payment_intent_data[description]', { payment_intent_data: { description: 'x' } }],
  ])('refuses %s as unknown instead of ignoring it', async (param, overrides) => {
    const error = await rejectionOf(
      stripe().checkout.sessions.create({
        ...base,
        ...(overrides as Partial<Stripe.Checkout.SessionCreateParams>),
      }),
    );
    expect(error).toMatchObject({
      statusCode: 400,
      code: 'parameter_unknown',
      param,
      message: `Received unknown parameter: ${param}`,
    });
  });

  it('refuses an empty product description, which Stripe cannot unset', async () => {
    const error = await rejectionOf(
      stripe().checkout.sessions.create({
        ...base,
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: 'usd',
              unit_amount: 1000,
              product_data: { name: 'A', description: '' },
            },
          },
        ],
      }),
    );
    expect(error).toMatchObject({
      statusCode: 400,
      param: 'line_items[0][price_data][product_data][description]',
    });
  });
});
