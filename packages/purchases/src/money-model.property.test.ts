import { contentPurchases, eq } from '@codex/database';
import type { StripeStubEvent } from '@codex/local-stripe';
import {
  type IssuePlatformRefund,
  performHistory,
  platformRefundHistory,
  readServerUrl,
  type StripeHistory,
  stripeHistory,
} from '@codex/test-utils';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { isPurchaseError } from './purchase-error';
import { TEST_STAFF_OWNER, useTestWorld } from './testing/test-world';

// Access follows Stripe's final state, whatever order its events arrive in: histories of a
// purchase as Stripe performs them (card or delayed payment, refunds that succeed, fail or are
// canceled, disputes opened, won or lost; refunds issued from the platform, keeping or revoking
// access, each submitted once or twice at once), their events delivered late, out of order, twice,
// one after the other or all at once, against the real driver and a real Postgres.
// On a server the events are also delivered all at once, truly in parallel. The embedded database
// serves one connection at a time and is no place for races, so there the deliveries are
// sequential and the runs fewer.
const ON_SERVER = readServerUrl() !== undefined;
const NUM_RUNS = Number(process.env.CODEX_PROPERTY_RUNS ?? (ON_SERVER ? 60 : 25));

const world = useTestWorld({ maxConnections: 20 });

/**
 * Starts a real checkout for a new item and customer (with exclusive tax the buyer is charged more
 * than the price); returns its ids.
 */
async function startCheckout(priceCents: number, exclusiveTax: boolean) {
  const { contentId, customerId, organizationId } = await world().newItem(priceCents);
  const started = await world()
    .checkout(exclusiveTax ? { automaticTax: true, taxBehavior: 'exclusive' } : {})
    .createCheckoutSession(customerId, contentId);
  if (started.status !== 'checkout_created') throw new Error(`unexpected ${started.status}`);
  return { ...started, customerId, contentId, organizationId, priceCents };
}

/**
 * Staff refund the purchase from the platform, `submits` times at once with one Idempotency-Key
 * (a double click): every answer names the same refund. False when the platform refused it.
 */
function platformRefunds(
  checkout: { organizationId: string; purchaseId: string },
  submits: number,
): IssuePlatformRefund {
  return async (amountCents, revokeAccess) => {
    const request = {
      organizationId: checkout.organizationId,
      purchaseId: checkout.purchaseId,
      requestedBy: TEST_STAFF_OWNER,
      idempotencyKey: crypto.randomUUID(),
      amountCents,
      reason: 'requested_by_customer' as const,
      revokeAccess,
    };
    const answers = await Promise.allSettled(
      Array.from({ length: submits }, () => world().refunds().issueRefund(request)),
    );
    const refundIds = new Set<string>();
    for (const answer of answers) {
      if (answer.status === 'fulfilled') refundIds.add(answer.value.refundId);
      else if (!isPurchaseError(answer.reason)) throw answer.reason;
    }
    expect(refundIds.size).toBeLessThanOrEqual(1);
    return refundIds.size === 1;
  };
}

/** Performs `history` at Stripe, delivers its events as it says, and checks the final state. */
async function checkHistory(
  history: StripeHistory,
  priceCents: number,
  concurrent: boolean,
  platformSubmits = 0,
  exclusiveTax = false,
) {
  const checkout = await startCheckout(priceCents, exclusiveTax);
  const inFlight: Array<Promise<unknown>> = [];
  const deliver = async (event: StripeStubEvent) => {
    const handled = world()
      .fulfillment()
      .handleStripeEvent(JSON.parse(JSON.stringify(event)));
    if (concurrent) inFlight.push(handled);
    else await handled;
  };
  const { expected, refundIds } = await performHistory(
    world().stub,
    checkout.sessionId,
    priceCents,
    history,
    deliver,
    platformSubmits > 0 ? platformRefunds(checkout, platformSubmits) : undefined,
  );
  await Promise.all(inFlight);

  // One refund at Stripe per refund made, however often a platform refund was submitted.
  const payment = world()
    .stub.listPayments()
    .find((candidate) => candidate.session.id === checkout.sessionId);
  expect((payment?.refunds ?? []).map((refund) => refund.id).sort()).toEqual([...refundIds].sort());

  const [row] = await world()
    .db.select()
    .from(contentPurchases)
    .where(eq(contentPurchases.id, checkout.purchaseId));
  expect(row?.status).toBe(expected.paid ? 'completed' : 'failed');
  expect(row?.amountRefundedCents).toBe(expected.refundedCents);
  expect(row?.disputeStatus ?? null).toBe(expected.disputeStatus);
  expect(await world().access().hasAccess(checkout.customerId, checkout.contentId)).toBe(
    expected.hasAccess,
  );

  // Buying again: allowed once the purchase is over (payment failed, refunded in full without
  // keeping access, chargeback lost); refused while it still holds the customer's slot.
  const slotFree = !expected.paid || expected.refundEndsAccess || expected.disputeStatus === 'lost';
  const again = await world()
    .checkout()
    .createCheckoutSession(checkout.customerId, checkout.contentId)
    .catch((error: unknown) => {
      if (isPurchaseError(error)) return { status: error.code };
      throw error;
    });
  expect(again.status).toBe(slotFree ? 'checkout_created' : 'ALREADY_PURCHASED');
}

describe('access follows Stripe’s final state', () => {
  test.prop(
    [
      stripeHistory,
      // The smallest price is Stripe's minimum charge in USD: checkout refuses anything below it.
      fc.constantFrom(1_000, 999, 50),
      ON_SERVER ? fc.boolean() : fc.constant(false),
      // Exclusive tax: refunds are measured against the charged total, before and after completion.
      fc.boolean(),
    ],
    {
      // A failure prints the shrunk history: add it to money-model.test.ts as a plain test.
      numRuns: NUM_RUNS,
      examples: [
        // Charged 1100 for a price of 1000; 1001 refunded before the completion arrives: partial.
        [
          {
            payment: 'card',
            actions: [{ kind: 'refund', percent: 91, status: 'succeeded' }],
            delivery: [{ lag: 3, order: 0 }, ...Array(4).fill({ lag: 0, order: 0 })],
            duplicates: [],
          },
          1_000,
          false,
          true,
        ],
      ],
    },
  )(
    'whatever the order, lateness, duplication or concurrency of its events, with or without tax',
    async (history, priceCents, concurrent, exclusiveTax) => {
      await checkHistory(history, priceCents, concurrent, 0, exclusiveTax);
    },
    // About 0.15 s a run on a server, 1 s embedded.
    180_000,
  );

  test.prop(
    [
      platformRefundHistory,
      fc.constantFrom(1_000, 999),
      ON_SERVER ? fc.boolean() : fc.constant(false),
      // A double submit races two requests: on a server only, as the deliveries above.
      ON_SERVER ? fc.constantFrom(1, 2) : fc.constant(1),
    ],
    { numRuns: NUM_RUNS },
  )(
    'with refunds issued from the platform (keeping or revoking access, double-submitted) among them',
    async (history, priceCents, concurrent, submits) => {
      await checkHistory(history, priceCents, concurrent, submits);
    },
    180_000,
  );
});
