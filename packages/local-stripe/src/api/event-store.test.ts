import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { createSession, payByCard, useStripeStub } from '../testing/stub-test-support';

/** The stub's clock: tests move it to spread events over seconds. */
let nowMs = Date.UTC(2026, 0, 15, 12);
const { stub, stripe } = useStripeStub({ now: () => nowMs });

const seconds = () => Math.floor(nowMs / 1000);

/** A session paid by card; returns its PaymentIntent id. */
async function paidIntent(amount = 1000): Promise<string> {
  return payByCard(stub(), await createSession(stripe(), { unitAmount: amount }));
}

function ids(events: ReadonlyArray<{ id: string }>): string[] {
  return events.map((event) => event.id);
}

describe('event snapshots', () => {
  it('keep the object as it was when emitted, and cannot be changed', async () => {
    const intentId = await paidIntent(1000);
    const created = stub().createRefund(intentId, { amount: 400, status: 'pending' });
    const [, chargeRefunded] = created.events;

    stub().updateRefund(created.refund.id, 'failed');
    stub().createRefund(intentId, { amount: 1000 });

    expect(created.events[0]?.data.object).toMatchObject({
      status: 'pending',
      failure_reason: null,
    });
    expect(chargeRefunded?.data.object).toMatchObject({ amount_refunded: 400, refunded: false });
    const served = await stripe().events.retrieve(String(chargeRefunded?.id));
    expect(served.data.object).toEqual(chargeRefunded?.data.object);
    expect(Object.isFrozen(chargeRefunded?.data.object)).toBe(true);
    expect(() => {
      Object.assign(chargeRefunded?.data.object ?? {}, { amount_refunded: 0 });
    }).toThrow(TypeError);
    // The live charge moved on meanwhile.
    const { latest_charge: chargeId } = await stripe().paymentIntents.retrieve(intentId);
    await expect(stripe().charges.retrieve(String(chargeId))).resolves.toMatchObject({
      amount_refunded: 1000,
    });
  });

  it('stub().events holds every returned event, oldest first', async () => {
    const intentId = await paidIntent();
    const first = stub().events;
    const refund = stub().createRefund(intentId, { amount: 1 });
    const dispute = stub().openDispute(intentId);

    expect(ids(stub().events)).toEqual(ids([...first, ...refund.events, ...dispute.events]));
    expect(stub().events.map((event) => event.type)).toEqual([
      'checkout.session.completed',
      'refund.created',
      'charge.refunded',
      'charge.dispute.created',
      'charge.dispute.funds_withdrawn',
    ]);
  });
});

describe('GET /v1/events', () => {
  it('lists newest first (later emitted first within a second) with cursors and auto-paging', async () => {
    const intentId = await paidIntent();
    stub().createRefund(intentId, { amount: 1 });
    nowMs += 1000;
    stub().createRefund(intentId, { amount: 1 });
    const newestFirst = ids(stub().events).reverse();

    const all = await stripe().events.list();
    expect(all).toMatchObject({ object: 'list', url: '/v1/events', has_more: false });
    expect(ids(all.data)).toEqual(newestFirst);

    const page = await stripe().events.list({ limit: 2 });
    expect(ids(page.data)).toEqual(newestFirst.slice(0, 2));
    expect(page.has_more).toBe(true);
    const next = await stripe().events.list({ limit: 2, starting_after: newestFirst[1] });
    expect(ids(next.data)).toEqual(newestFirst.slice(2, 4));
    const last = await stripe().events.list({ limit: 2, starting_after: newestFirst[3] });
    expect(ids(last.data)).toEqual(newestFirst.slice(4));
    expect(last.has_more).toBe(false);
    const before = await stripe().events.list({ limit: 2, ending_before: newestFirst[4] });
    expect(ids(before.data)).toEqual(newestFirst.slice(2, 4));
    expect(before.has_more).toBe(true);

    const paged = await stripe().events.list({ limit: 2 }).autoPagingToArray({ limit: 100 });
    expect(ids(paged)).toEqual(newestFirst);
  });

  it('filters by types (as the SDK sends them), by a type wildcard, and refuses both', async () => {
    const intentId = await paidIntent();
    const { dispute } = stub().openDispute(intentId);
    stub().updateDispute(dispute.id, 'lost');

    const listed = await stripe().events.list({
      types: ['checkout.session.completed', 'charge.dispute.closed'],
    });
    expect(listed.data.map((event) => event.type)).toEqual([
      'charge.dispute.closed',
      'checkout.session.completed',
    ]);
    expect(stub().requests.at(-1)?.form).toMatchObject({
      'types[0]': 'checkout.session.completed',
      'types[1]': 'charge.dispute.closed',
    });

    const wildcard = await stripe().events.list({ type: 'charge.dispute.*' });
    expect(wildcard.data.map((event) => event.type)).toEqual([
      'charge.dispute.closed',
      'charge.dispute.funds_withdrawn',
      'charge.dispute.created',
    ]);
    await expect(stripe().events.list({ type: 'charge.dispute' })).resolves.toMatchObject({
      data: [],
    });
    await expect(
      stripe().events.list({ type: 'charge.dispute.closed', types: ['charge.dispute.closed'] }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'types' });
  });

  it('filters by created range in unix seconds', async () => {
    const start = seconds();
    const intentId = await paidIntent();
    nowMs += 60_000;
    const later = stub().createRefund(intentId, { amount: 1 }).events;

    const since = await stripe().events.list({ created: { gte: start + 60 } });
    expect(ids(since.data)).toEqual(ids(later).reverse());
    const until = await stripe().events.list({ created: { lt: start + 60 } });
    expect(until.data.map((event) => event.type)).toEqual(['checkout.session.completed']);
    const exact = await stripe().events.list({ created: start });
    expect(exact.data).toHaveLength(1);
    const between = await stripe().events.list({ created: { gt: start, lte: start + 59 } });
    expect(between.data).toEqual([]);
    await expect(
      stripe().events.list({ created: { gte: 'soon' as unknown as number } }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'created' });
  });

  it('delivery_success=false returns what no endpoint acknowledged yet; true the rest', async () => {
    const intentId = await paidIntent();
    const [created, refunded] = stub().createRefund(intentId, { amount: 1 }).events;
    stub().markEventDelivered(String(created?.id));

    const pending = await stripe().events.list({ delivery_success: false });
    expect(pending.data.map((event) => event.type)).toEqual([
      'charge.refunded',
      'checkout.session.completed',
    ]);
    expect(pending.data.every((event) => event.pending_webhooks === 1)).toBe(true);
    const delivered = await stripe().events.list({ delivery_success: true });
    expect(ids(delivered.data)).toEqual([created?.id]);
    expect(delivered.data[0]?.pending_webhooks).toBe(0);
    await expect(stripe().events.retrieve(String(refunded?.id))).resolves.toMatchObject({
      pending_webhooks: 1,
    });
    // The emitted event stays as it was sent.
    expect(created?.pending_webhooks).toBe(1);
    expect(() => stub().markEventDelivered('evt_unknown')).toThrow(/evt_unknown/);
  });

  it('combines filters with pagination as the reconciliation job uses it', async () => {
    const intents = [await paidIntent(), await paidIntent(), await paidIntent()];
    for (const intentId of intents) stub().createRefund(intentId);
    const wanted = stub().events.filter((event) => event.type === 'charge.refunded');
    stub().markEventDelivered(String(wanted[0]?.id));

    const found = await stripe()
      .events.list({
        delivery_success: false,
        types: ['charge.refunded'],
        created: { gte: seconds() },
        limit: 1,
      })
      .autoPagingToArray({ limit: 100 });

    expect(ids(found)).toEqual(ids(wanted.slice(1)).reverse());
  });

  it.each([
    ['limit 0', { limit: 0 }, 'limit'],
    ['limit 101', { limit: 101 }, 'limit'],
    ['an unknown cursor', { starting_after: 'evt_unknown' }, 'starting_after'],
    ['delivery_success=maybe', { delivery_success: 'maybe' }, 'delivery_success'],
    ['an unknown parameter', { object: 'charge' }, 'object'],
  ])('refuses %s', async (_, params, param) => {
    await expect(stripe().events.list(params as Stripe.EventListParams)).rejects.toMatchObject({
      statusCode: 400,
      param,
    });
  });

  it('is emptied by reset', async () => {
    await paidIntent();
    stub().reset();
    expect(stub().events).toEqual([]);
    await expect(stripe().events.list()).resolves.toMatchObject({ data: [], has_more: false });
  });
});

describe('Stripe’s 30 days of events', () => {
  it('lists and retrieves only events of the last 30 days; an older cursor is unknown', async () => {
    const old = stub().createRefund(await paidIntent(), { amount: 1 }).events;
    const oldest = old[0]?.id ?? '';
    nowMs += 30 * 86_400_000 - 1000;
    await expect(stripe().events.retrieve(oldest)).resolves.toMatchObject({ id: oldest });
    const recent = stub().createRefund(await paidIntent(), { amount: 1 }).events;

    nowMs += 2000;
    const listed = await stripe().events.list({ limit: 100 });
    expect(listed.data.map((event) => event.id)).not.toContain(oldest);
    expect(listed.data.map((event) => event.id)).toEqual(
      expect.arrayContaining(recent.map((event) => event.id)),
    );
    await expect(stripe().events.retrieve(oldest)).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    });
    await expect(stripe().events.list({ starting_after: oldest })).rejects.toMatchObject({
      statusCode: 400,
      code: 'resource_missing',
      param: 'starting_after',
      message: `No such event: '${oldest}'`,
    });
    expect(stub().events.map((event) => event.id)).toContain(oldest);
  });
});
