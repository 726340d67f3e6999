import { describe, expect, it } from 'vitest';
import { handledStripeEventTypes, parseStripeEvent } from './stripe-events';

const refund = {
  id: 're_1',
  object: 'refund',
  amount: 500,
  status: 'succeeded',
  payment_intent: 'pi_1',
  charge: 'ch_1',
  metadata: {},
};

describe('parseStripeEvent', () => {
  it('accepts a handled event whose object has what its handler reads, extra fields included', () => {
    const parsed = parseStripeEvent({
      id: 'evt_1',
      type: 'refund.updated',
      created: 1,
      data: { object: { ...refund, reason: null, destination_details: { card: {} } } },
    });
    expect(parsed).toMatchObject({
      status: 'handled',
      event: { id: 'evt_1', type: 'refund.updated', data: { object: { id: 're_1', amount: 500 } } },
    });
  });

  it('ignores a type it does not handle without looking at its object', () => {
    expect(
      parseStripeEvent({ id: 'evt_2', type: 'customer.created', data: { object: null } }),
    ).toEqual({ status: 'unhandled', eventId: 'evt_2', type: 'customer.created' });
  });

  it('calls a handled event malformed when its object is null or lacks a field, naming paths not values', () => {
    const nullObject = parseStripeEvent({
      id: 'evt_3',
      type: 'charge.refunded',
      data: { object: null },
    });
    expect(nullObject).toMatchObject({
      status: 'malformed',
      eventId: 'evt_3',
      type: 'charge.refunded',
    });

    const secret = 'customer@example.com';
    const badStatus = parseStripeEvent({
      id: 'evt_4',
      type: 'refund.failed',
      data: { object: { ...refund, status: secret, amount: -1 } },
    });
    expect(badStatus.status).toBe('malformed');
    if (badStatus.status !== 'malformed') return;
    expect(badStatus.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^data\.object\.status: /),
        expect.stringMatching(/^data\.object\.amount: /),
      ]),
    );
    expect(JSON.stringify(badStatus.problems)).not.toContain(secret);
  });

  it('calls an envelope without id, type or data malformed, keeping what it can', () => {
    expect(parseStripeEvent('not an event')).toMatchObject({
      status: 'malformed',
      eventId: undefined,
      type: undefined,
    });
    expect(parseStripeEvent({ type: 'charge.refunded', data: {} })).toMatchObject({
      status: 'malformed',
      eventId: undefined,
      type: 'charge.refunded',
    });
  });

  it('makes the free text it reads storable: a NUL or a lone surrogate becomes U+FFFD', () => {
    const parsed = parseStripeEvent({
      id: 'evt_5',
      type: 'checkout.session.expired',
      data: {
        object: {
          id: 'cs_1',
          payment_status: 'unpaid',
          client_reference_id: 'a\u0000',
          metadata: { purchaseId: '\ud800x', note: 'fine' },
        },
      },
    });
    expect(parsed).toMatchObject({
      status: 'handled',
      event: {
        data: {
          object: {
            client_reference_id: 'a\ufffd',
            metadata: { purchaseId: '\ufffdx', note: 'fine' },
          },
        },
      },
    });
  });

  it('refuses ids that are not printable ASCII and amounts past Postgres integer, naming the rule', () => {
    const parsed = parseStripeEvent({
      id: 'evt_6',
      type: 'refund.updated',
      data: { object: { ...refund, id: 're_\u0000', charge: 'ch 1', amount: 2 ** 31 } },
    });
    expect(parsed).toMatchObject({
      status: 'malformed',
      problems: [
        'data.object.id: not a Stripe id',
        'data.object.amount: too_big',
        'data.object.charge: not a Stripe id',
      ],
    });
    expect(parseStripeEvent({ id: 'evt_\u0000', type: 'refund.updated', data: {} })).toMatchObject({
      status: 'malformed',
      eventId: undefined,
      type: 'refund.updated',
    });
    // Not handled, but its type would be logged: kept instead.
    expect(
      parseStripeEvent({ id: 'evt_7', type: 'customer.\u0000', data: { object: null } }),
    ).toEqual({
      status: 'malformed',
      eventId: 'evt_7',
      type: undefined,
      problems: ['type: not a Stripe event type'],
    });
  });

  it('lists every type the handlers serve', () => {
    expect(handledStripeEventTypes).toEqual(
      expect.arrayContaining([
        'checkout.session.completed',
        'checkout.session.async_payment_failed',
        'charge.refunded',
        'refund.created',
        'refund.failed',
        'charge.dispute.closed',
      ]),
    );
    expect(handledStripeEventTypes).toHaveLength(14);
  });
});
