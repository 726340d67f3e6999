import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { signWebhookPayload } from './sign-webhook-payload';

const SECRET = 'whsec_local_stripe_signing_secret_0123456789';
const stripe = new Stripe('sk_test_x');
const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'charge.refunded' }, null, 2);

describe('signWebhookPayload', () => {
  it('makes the header the Stripe SDK makes for the same payload, secret and timestamp', () => {
    const timestamp = 1_700_000_000;
    expect(signWebhookPayload({ payload, secret: SECRET, timestampSeconds: timestamp })).toBe(
      stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp }),
    );
  });

  it('is accepted by constructEvent and constructEventAsync, with this secret only', async () => {
    const header = signWebhookPayload({
      payload,
      secret: SECRET,
      timestampSeconds: Math.floor(Date.now() / 1000),
    });
    expect(stripe.webhooks.constructEvent(payload, header, SECRET).id).toBe('evt_1');
    const event = await stripe.webhooks.constructEventAsync(
      payload,
      header,
      SECRET,
      undefined,
      Stripe.createSubtleCryptoProvider(),
    );
    expect(event.id).toBe('evt_1');
    expect(() => stripe.webhooks.constructEvent(payload, header, `${SECRET}x`)).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
    // Keyed with the whole string: the secret without its prefix is another secret.
    expect(() =>
      stripe.webhooks.constructEvent(payload, header, SECRET.replace('whsec_', '')),
    ).toThrow(Stripe.errors.StripeSignatureVerificationError);
  });

  it('covers the timestamp and every byte of the payload', () => {
    const sign = (body: string, timestampSeconds: number) =>
      signWebhookPayload({ payload: body, secret: SECRET, timestampSeconds });
    const reference = sign(payload, 1_700_000_000);
    expect(reference).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(sign(payload, 1_700_000_001).split(',v1=')[1]).not.toBe(reference.split(',v1=')[1]);
    expect(sign(JSON.stringify(JSON.parse(payload)), 1_700_000_000)).not.toBe(reference);
  });

  it('refuses a timestamp that is not whole seconds, and an empty secret', () => {
    for (const timestampSeconds of [1_700_000_000.5, -1, Number.NaN]) {
      expect(() => signWebhookPayload({ payload, secret: SECRET, timestampSeconds })).toThrow(
        RangeError,
      );
    }
    expect(() => signWebhookPayload({ payload, secret: '', timestampSeconds: 1 })).toThrow(
      RangeError,
    );
  });
});
