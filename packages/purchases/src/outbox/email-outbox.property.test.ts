import { contentPurchases, eq, grantsAccess, holdsPurchaseSlot } from '@codex/database';
import type { StripeStubEvent } from '@codex/local-stripe';
import {
  performHistory,
  readServerUrl,
  type StripeHistory,
  stripeHistory,
} from '@codex/test-utils';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { newAddress, useOutboxWorld } from '../testing/outbox-world';

// One e-mail per event, whatever the order, lateness, duplication or concurrency of Stripe's
// events and of the queue's deliveries: the histories of money-model.property.test.ts, with an
// address on the purchase. Delivered one at a time, the purchase's own columns say which events
// happened, independently of the outbox, and what the buyer has been told so far decides what
// each event tells them: access granted for the first time, a confirmation (never while a dispute
// is open or the money is already back); a completed purchase that loses its slot after the buyer
// was told of it, "access ended"; access back after "access ended", "access restored". The
// stand-in must then hold exactly those messages. Delivered all at once (on a server), the states
// in between cannot be observed: every row is still exactly one message, at most one
// confirmation, revocations numbered 1..n, at most one restoration per revocation.
const ON_SERVER = readServerUrl() !== undefined;
const NUM_RUNS = ON_SERVER ? 20 : 10;

const t = useOutboxWorld({ maxConnections: 20 });

type Observed = Parameters<typeof grantsAccess>[0];

async function observe(purchaseId: string): Promise<Observed> {
  const [row] = await t
    .world()
    .db.select({
      status: contentPurchases.status,
      refundedAt: contentPurchases.refundedAt,
      refundKeepsAccess: contentPurchases.refundKeepsAccess,
      disputeStatus: contentPurchases.disputeStatus,
    })
    .from(contentPurchases)
    .where(eq(contentPurchases.id, purchaseId));
  if (!row) throw new Error('no purchase');
  return row;
}

type Told = 'nothing' | 'granted' | 'ended';

/** What one observed transition tells a buyer who was last told `told` (the outbox's rules). */
function tellOf(before: Observed, after: Observed, told: Told): Told | 'revoked' | 'restored' {
  if (told === 'nothing') return grantsAccess(after) ? 'granted' : told;
  const revoked =
    before.status === 'completed' && holdsPurchaseSlot(before) && !holdsPurchaseSlot(after);
  if (revoked) return 'revoked';
  if (told === 'ended' && !grantsAccess(before) && grantsAccess(after)) return 'restored';
  return told;
}

async function checkHistory(history: StripeHistory, priceCents: number, concurrent: boolean) {
  const address = newAddress();
  const checkout = await t.paidCheckout(priceCents, address);
  const inFlight: Array<Promise<unknown>> = [];
  const events = { confirmations: 0, revocations: 0, restorations: 0 };
  let before: Observed = {
    status: 'pending',
    refundedAt: null,
    refundKeepsAccess: false,
    disputeStatus: null,
  };
  let told: Told = 'nothing';
  const deliver = async (event: StripeStubEvent) => {
    const handled = t.deliver(event);
    if (concurrent) {
      inFlight.push(handled);
      return;
    }
    await handled;
    const after = await observe(checkout.purchaseId);
    const tell = tellOf(before, after, told);
    if (told === 'nothing' && tell === 'granted') events.confirmations += 1;
    if (tell === 'revoked') events.revocations += 1;
    if (tell === 'restored') events.restorations += 1;
    told = tell === 'revoked' ? 'ended' : tell === 'restored' ? 'granted' : tell;
    before = after;
  };
  await performHistory(t.world().stub, checkout.sessionId, priceCents, history, deliver);
  await Promise.all(inFlight);
  await t.drain();

  const rows = await t.rowsOf(checkout.purchaseId);
  expect(rows.every((row) => row.status === 'sent')).toBe(true);
  const messages = t.inbox(address);
  const subjects = (prefix: string) => messages.filter((m) => m.subject.startsWith(prefix)).length;
  const kinds = (kind: string) => rows.filter((row) => row.kind === kind).length;
  expect(subjects('Your purchase')).toBe(kinds('purchase_confirmation'));
  expect(subjects('Access ended')).toBe(kinds('access_revoked'));
  expect(subjects('Access restored')).toBe(kinds('access_restored'));
  expect(kinds('access_restored')).toBeLessThanOrEqual(kinds('access_revoked'));

  expect(messages).toHaveLength(rows.length);
  const revocationKeys = rows
    .filter((row) => row.kind === 'access_revoked')
    .map((row) => row.dedupeKey)
    .sort();
  expect(revocationKeys).toEqual(
    revocationKeys.map((_, index) => `access_revoked:${checkout.purchaseId}:${index + 1}`),
  );
  if (concurrent) {
    expect(kinds('purchase_confirmation')).toBeLessThanOrEqual(1);
  } else {
    expect(kinds('purchase_confirmation')).toBe(events.confirmations);
    expect(kinds('access_revoked')).toBe(events.revocations);
    expect(kinds('access_restored')).toBe(events.restorations);
  }
}

describe('one e-mail per event', () => {
  test.prop(
    [stripeHistory, fc.constantFrom(1_000, 999), ON_SERVER ? fc.boolean() : fc.constant(false)],
    { numRuns: NUM_RUNS },
  )(
    'whatever the order, lateness, duplication or concurrency of the events and the queue',
    async (history, priceCents, concurrent) => {
      await checkHistory(history, priceCents, concurrent);
    },
    180_000,
  );
});
