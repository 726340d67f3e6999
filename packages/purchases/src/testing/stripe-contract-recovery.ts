import type Stripe from 'stripe';
import { PRICE } from './stripe-contract-sessions';
import { type ContractCase, observe, refused, shapeOf } from './stripe-contract-target';

// What recovery relies on: expiring a session that is no longer open is refused (the slot reclaim
// and checkout read the session after such a refusal, `expireOpenSession`), and listing events
// after an event Stripe no longer holds (older than its 30 days) is refused, which is how the
// undelivered-events sweep knows to reset its cursor (`sweepUndeliveredEvents`).

/** A minimal session of ours: one line item at the contract price. */
function minimalSession(): Stripe.Checkout.SessionCreateParams {
  return {
    mode: 'payment',
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency: PRICE.currency,
          unit_amount: PRICE.priceCents,
          product_data: { name: 'Contract item' },
        },
      },
    ],
    success_url: 'https://app.codex.test/success',
    cancel_url: 'https://app.codex.test/cancel',
  };
}

export function recoveryCases(): ContractCase[] {
  return [
    {
      name: 'session: expiring a session that is no longer open is refused (read it instead)',
      expected: {
        first: shapeOf({ status: 'expired' }, { status: 'value' }),
        again: refused(null, null),
      },
      async run(target) {
        const session = await target.stripe.checkout.sessions.create(minimalSession());
        const first = await observe(target.stripe.checkout.sessions.expire(session.id), (expired) =>
          shapeOf(expired, { status: 'value' }),
        );
        const again = await observe(target.stripe.checkout.sessions.expire(session.id), (expired) =>
          shapeOf(expired, { status: 'value' }),
        );
        return { first, again };
      },
    },
    {
      name: 'events: listing after an event Stripe does not hold is refused (the sweep resets its cursor)',
      expected: { aged: refused('resource_missing', 'starting_after') },
      async run(target) {
        // An id of the form Stripe gives events, that no account holds: as an event aged out is.
        const aged = await observe(
          target.stripe.events.list({ starting_after: 'evt_1AgedOut0000000000000000', limit: 1 }),
          (page) => shapeOf(page, { has_more: 'type' }),
        );
        return { aged };
      },
    },
  ];
}
