import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { rejectionOf, useStripeStub } from '../testing/stub-test-support';

/** The stub's clock: tests move it past Stripe's 24-hour key window. */
let nowMs = Date.UTC(2026, 2, 1, 9);
const { stub, stripe } = useStripeStub({ now: () => nowMs });

const HOUR_MS = 60 * 60 * 1000;

describe('idempotency keys, as Stripe keeps them', () => {
  it('accepts a key of 255 characters and refuses one of 256, in Stripe’s words', async () => {
    await expect(
      stripe().customers.create({ email: 'a@codex.test' }, { idempotencyKey: 'k'.repeat(255) }),
    ).resolves.toMatchObject({ object: 'customer' });

    const error = await rejectionOf(
      stripe().customers.create({ email: 'a@codex.test' }, { idempotencyKey: 'k'.repeat(256) }),
    );
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({
      statusCode: 400,
      message:
        "Idempotent key length is 256, which is outside accepted lengths. Idempotent Keys must be 1-255 characters long. If you're looking for a decent generator, try using a UUID defined by IETF RFC 4122.",
    });
    expect(stub().customers).toHaveLength(1);
  });

  it('replays within 24 hours and treats a retry after that as a new request', async () => {
    const key = 'customer:buyer-1';
    const first = await stripe().customers.create(
      { email: 'a@codex.test' },
      { idempotencyKey: key },
    );
    nowMs += 24 * HOUR_MS - 1;
    const replay = await stripe().customers.create(
      { email: 'a@codex.test' },
      { idempotencyKey: key },
    );
    expect(replay.id).toBe(first.id);

    nowMs += 2;
    const later = await stripe().customers.create(
      { email: 'a@codex.test' },
      { idempotencyKey: key },
    );
    expect(later.id).not.toBe(first.id);
    expect(stub().customers).toHaveLength(2);
  });

  it('refuses the key with other parameters within the window, and not after it', async () => {
    const key = 'refund:org:abc';
    await stripe().customers.create({ email: 'a@codex.test' }, { idempotencyKey: key });
    const error = await rejectionOf(
      stripe().customers.create({ email: 'b@codex.test' }, { idempotencyKey: key }),
    );
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error).toMatchObject({ statusCode: 400, rawType: 'idempotency_error' });

    nowMs += 24 * HOUR_MS;
    await expect(
      stripe().customers.create({ email: 'b@codex.test' }, { idempotencyKey: key }),
    ).resolves.toMatchObject({ email: 'b@codex.test' });
  });
});
