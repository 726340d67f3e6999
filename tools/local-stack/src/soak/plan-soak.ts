import { platformRefundHistory, type StripeHistory } from '@codex/test-utils';
import fc from 'fast-check';

/** What happens to one webhook delivery on its way to the webhook worker. */
export type DeliveryFate =
  /** Sent, and the next waits for its answer. */
  | 'in_order'
  /** Sent without waiting: it races the next ones. */
  | 'concurrent'
  /** Sent twice at once. */
  | 'duplicate'
  /** Never sent: it stays undelivered at Stripe, for reconciliation to find. */
  | 'lost';

/** One buyer's purchase as the seed decides it. */
export interface PurchasePlan {
  index: number;
  /** What Stripe does (payment, refunds, disputes) and the lag and order of its events. */
  history: StripeHistory;
  /** Which of the soak's items the buyer buys (an index into `soakItems`). */
  item: number;
  /** The buyer's token carries an `email` claim: confirmation e-mails go to them. */
  hasEmail: boolean;
  /** Each delivery's fate, cycled. */
  fates: DeliveryFate[];
  /** How many times at once staff submit each refund from the platform (2: a double click). */
  refundSubmits: number;
  /** The buyer lands on the success page, which polls the checkout worker (racing the webhooks). */
  visitsSuccessPage: boolean;
}

/** Which Stripe API calls a Stripe fault hits (a method and a path of the stand-in's rules). */
export const stripeTargets = {
  'create checkout session': { method: 'POST', path: '/v1/checkout/sessions' },
  'create refund': { method: 'POST', path: '/v1/refunds' },
  'list refunds': { method: 'GET', path: '/v1/refunds' },
  'read payment intent': { method: 'GET', path: /^\/v1\/payment_intents\/[^/]+$/ },
  'read checkout session': { method: 'GET', path: /^\/v1\/checkout\/sessions\/[^/]+$/ },
  'list events': { method: 'GET', path: '/v1/events' },
  'every call': { path: /^\/v1\// },
} as const satisfies Record<string, { method?: string; path: string | RegExp }>;

export type StripeTarget = keyof typeof stripeTargets;

/** The Stripe client's timeout in both workers (`createStripeClient`'s default). */
const STRIPE_TIMEOUT_MS = 10_000;

/** Something that goes wrong for a while, outside the purchases. */
export type Fault =
  /** Every backend of the soak's database is terminated, again and again for `durationMs`. */
  | { kind: 'terminate_backends'; durationMs: number }
  /** The link between the workers and the database is cut, and refuses connections for `durationMs`. */
  | { kind: 'cut_database_link'; durationMs: number }
  /** The target's next `times` calls (within `durationMs`) fail with 500 or answer late. */
  | {
      kind: 'stripe_fault';
      target: StripeTarget;
      respond: { status: 500 } | { delayMs: number };
      times: number;
      durationMs: number;
    };

/** A fault, and the purchase whose start sets it off. */
export interface ScheduledFault {
  atPurchase: number;
  fault: Fault;
}

export interface SoakPlan {
  purchases: PurchasePlan[];
  faults: ScheduledFault[];
}

const purchaseArbitrary = fc.record({
  history: platformRefundHistory,
  item: fc.nat({ max: 3 }),
  hasEmail: fc.constantFrom(true, true, true, false),
  fates: fc.array(
    fc.constantFrom<DeliveryFate>(
      'in_order',
      'in_order',
      'in_order',
      'in_order',
      'concurrent',
      'concurrent',
      'duplicate',
      'lost',
    ),
    { minLength: 8, maxLength: 32 },
  ),
  refundSubmits: fc.constantFrom(1, 1, 2),
  visitsSuccessPage: fc.constantFrom(true, true, false),
});

const stripeFault: fc.Arbitrary<Fault> = fc.record({
  kind: fc.constant('stripe_fault' as const),
  target: fc.constantFrom(...(Object.keys(stripeTargets) as StripeTarget[])),
  respond: fc.oneof(
    { arbitrary: fc.constant({ status: 500 as const }), weight: 2 },
    { arbitrary: fc.record({ delayMs: fc.integer({ min: 200, max: 3_000 }) }), weight: 2 },
    // Slower than the workers' Stripe timeout (10 s): the SDK gives up and retries with the same
    // idempotency key while the first request is still on its way.
    { arbitrary: fc.constant({ delayMs: STRIPE_TIMEOUT_MS + 1_500 }), weight: 1 },
  ),
  times: fc.integer({ min: 1, max: 8 }),
  durationMs: fc.integer({ min: 1_000, max: 8_000 }),
});

/**
 * The whole run as `seed` decides it: each purchase's history, item, address and delivery fates,
 * and the faults: per 15 purchases (at least 3 of each) a database outage (terminated backends
 * and cut links in turn) and a Stripe fault, each set off by the start of a purchase in the first
 * 70 % of the run, so reconciliation and the e-mails' retries have time to follow. The same seed
 * and size give the same plan.
 */
export function planSoak(seed: number, purchases: number): SoakPlan {
  const faultsOfEachKind = Math.max(3, Math.ceil(purchases / 15));
  const position = fc.nat({ max: Math.max(0, Math.floor(purchases * 0.7) - 1) });
  const plan = fc.record({
    purchases: fc.array(purchaseArbitrary, { minLength: purchases, maxLength: purchases }),
    outages: fc.array(
      fc.record({ atPurchase: position, durationMs: fc.integer({ min: 300, max: 2_500 }) }),
      { minLength: faultsOfEachKind, maxLength: faultsOfEachKind },
    ),
    stripeFaults: fc.array(fc.record({ atPurchase: position, fault: stripeFault }), {
      minLength: faultsOfEachKind,
      maxLength: faultsOfEachKind,
    }),
  });
  // Without bias: fast-check leans towards small and edge values in its first runs, and a plan is
  // one sample.
  const [sampled] = fc.sample(fc.noBias(plan), { seed, numRuns: 1 });
  if (!sampled) throw new Error('planSoak: fast-check sampled nothing');
  // Terminated backends and cut links in turn: both must be survived.
  const outages = sampled.outages.map(({ atPurchase, durationMs }, index) => ({
    atPurchase,
    fault: {
      kind: index % 2 === 0 ? ('terminate_backends' as const) : ('cut_database_link' as const),
      durationMs,
    },
  }));
  return {
    purchases: sampled.purchases.map((purchase, index) => ({ ...purchase, index })),
    faults: [...outages, ...sampled.stripeFaults].sort((a, b) => a.atPurchase - b.atPurchase),
  };
}
