import { describe, expect, it } from 'vitest';
import {
  createSession,
  payByCard,
  rejectionOf,
  sessionParams,
  useStripeStub,
} from '../testing/stub-test-support';

const { stub, stripe } = useStripeStub();

const fiftyOne = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`key${i}`, 'v']));
const longKey = { ['k'.repeat(41)]: 'v' };
const longValue = { note: 'v'.repeat(501) };

const base = sessionParams();

/** Every place our code sends metadata, as a request with `metadata` put there. */
const senders: Array<[string, (metadata: Record<string, string>) => Promise<unknown>]> = [
  ['customers.create', (metadata) => stripe().customers.create({ metadata })],
  [
    'checkout.sessions.create metadata',
    (metadata) => stripe().checkout.sessions.create({ ...base, metadata }),
  ],
  [
    'checkout.sessions.create payment_intent_data[metadata]',
    (metadata) => stripe().checkout.sessions.create({ ...base, payment_intent_data: { metadata } }),
  ],
  [
    'checkout.sessions.create product_data[metadata]',
    (metadata) =>
      stripe().checkout.sessions.create({
        ...base,
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: 'usd',
              unit_amount: 1000,
              product_data: { name: 'A', metadata },
            },
          },
        ],
      }),
  ],
  [
    'refunds.create',
    async (metadata) =>
      stripe().refunds.create({
        payment_intent: payByCard(stub(), await createSession(stripe())),
        metadata,
      }),
  ],
  [
    'paymentIntents.create',
    (metadata) => stripe().paymentIntents.create({ amount: 100, currency: 'usd', metadata }),
  ],
];

describe('Stripe’s metadata limits, on every request our code sends metadata with', () => {
  it.each(senders)(
    '%s: 50 keys of 40 characters with 500-character values pass',
    async (_, send) => {
      const atLimit = Object.fromEntries(
        Array.from({ length: 50 }, (_, i) => [
          `${String(i).padStart(2, '0')}${'k'.repeat(38)}`,
          'v'.repeat(500),
        ]),
      );
      await expect(send(atLimit)).resolves.toBeDefined();
    },
  );

  it.each(senders)(
    '%s: 51 keys, a 41-character key or a 501-character value are refused',
    async (_, send) => {
      await expect(rejectionOf(send(fiftyOne))).resolves.toMatchObject({
        statusCode: 400,
        message:
          "Metadata can have up to 50 keys, but you've set 51. Email us at support+metadata@stripe.com for more information.",
      });
      await expect(rejectionOf(send(longKey))).resolves.toMatchObject({
        statusCode: 400,
        message: `Metadata keys can have up to 40 characters, but you passed in a key that is 41 characters. Invalid key: ${'k'.repeat(41)}`,
      });
      await expect(rejectionOf(send(longValue))).resolves.toMatchObject({
        statusCode: 400,
        message: expect.stringMatching(
          /^Metadata values can have up to 500 characters, but you passed in a value that is 501 characters\./,
        ),
      });
    },
  );

  it('counts the keys a customer update leaves, not only the ones it sends', async () => {
    const customer = await stripe().customers.create({
      metadata: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'])),
    });
    await expect(
      rejectionOf(stripe().customers.update(customer.id, { metadata: { extra: 'v' } })),
    ).resolves.toMatchObject({ statusCode: 400 });
    await expect(
      stripe().customers.update(customer.id, { metadata: { k0: '', extra: 'v' } }),
    ).resolves.toMatchObject({ metadata: expect.objectContaining({ extra: 'v' }) });
  });
});
