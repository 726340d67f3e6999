import { payoutDueCents } from '@codex/database';
import type { StripeStubEvent } from '@codex/local-stripe';
import { createTestUser, readServerUrl } from '@codex/test-utils';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { moneyPurchases } from '../testing/money-purchases';
import { payoutSteps } from '../testing/payout-steps';
import { useTestWorld } from '../testing/test-world';

// Issue 22's invariant over sale histories: an organization sells one to three times; sales are
// refunded in part or in full (pending refunds that succeed or fail), disputed (chargebacks won or
// lost, inquiries); the organization onboards before, between or after its sales, or leaves
// requirements due first. Every event (payments and Connect) is delivered in any order, some
// twice, some never (the crons recover those: the events sweep and the payouts' phase), on a
// server some at once; each delivered payment event settles its sale's payout as the webhook
// does. At the end, for what Stripe holds: each sale has at most one transfer, and for the
// organization, transferred − reversed = Σ share × (charged − refunded) / charged over the sales
// not lost in a dispute, at the stand-in and in the ledger alike.
const ON_SERVER = readServerUrl() !== undefined;
const NUM_RUNS = Number(process.env.CODEX_PROPERTY_RUNS ?? (ON_SERVER ? 20 : 10));
// About a second a history on the server, more under CI's load: far above the file's 30 s default.
const TIMEOUT_MS = 240_000;

const world = useTestWorld({ maxConnections: 20 });
const PRICE = 1_000;
const money = moneyPurchases(world, PRICE);
const payouts = payoutSteps(world);

type RefundPlan = { amount: 'part' | 'rest'; pending: boolean; settlesAs: 'succeeded' | 'failed' };
type DisputePlan = { kind: 'chargeback' | 'inquiry'; outcome: 'won' | 'lost' | 'warning_closed' };
type SalePlan = { refunds: RefundPlan[]; dispute: DisputePlan | null; disputeFirst: boolean };

const refundPlan: fc.Arbitrary<RefundPlan> = fc.record({
  amount: fc.constantFrom('part' as const, 'rest' as const),
  pending: fc.boolean(),
  settlesAs: fc.constantFrom('succeeded' as const, 'failed' as const),
});
const disputePlan: fc.Arbitrary<DisputePlan> = fc.oneof(
  fc.record({
    kind: fc.constant('chargeback' as const),
    outcome: fc.constantFrom('won' as const, 'lost' as const),
  }),
  fc.record({
    kind: fc.constant('inquiry' as const),
    outcome: fc.constant('warning_closed' as const),
  }),
);
const salePlan: fc.Arbitrary<SalePlan> = fc.record({
  refunds: fc.array(refundPlan, { maxLength: 2 }),
  dispute: fc.option(disputePlan, { nil: null }),
  disputeFirst: fc.boolean(),
});
const history = fc.record({
  sales: fc.array(salePlan, { minLength: 1, maxLength: 3 }),
  onboarding: fc.constantFrom('before', 'between', 'after', 'due_first') as fc.Arbitrary<
    'before' | 'between' | 'after' | 'due_first'
  >,
  keys: fc.array(fc.nat({ max: 1_000 }), { minLength: 1, maxLength: 16 }),
  duplicates: fc.array(fc.nat({ max: 60 }), { maxLength: 5 }),
  lost: fc.array(fc.nat({ max: 60 }), { maxLength: 4 }),
  concurrent: ON_SERVER ? fc.boolean() : fc.constant(false),
});

/** Runs a stub action Stripe may refuse (a refund during a chargeback, nothing left): its events or none. */
function attempt(action: () => StripeStubEvent[]): StripeStubEvent[] {
  try {
    return action();
  } catch {
    return [];
  }
}

describe('payouts over sale histories', () => {
  test.prop([history], { numRuns: NUM_RUNS })(
    'transfer each sale at most once and end with transferred − reversed = Σ share of what was kept',
    async (plan) => {
      const { contentId, organizationId } = await world().newItem(PRICE);
      const payment: StripeStubEvent[] = [];
      const connect: StripeStubEvent[] = [];
      let accountId: string | undefined;
      const onboard = async (leaveDue: boolean) => {
        const started = await world().payouts().startOnboarding(payouts.owner(organizationId));
        accountId = started.stripeAccountId;
        connect.push(...world().stub.completeAccountOnboarding(accountId, { leaveDue }));
      };
      if (plan.onboarding === 'before') await onboard(false);
      if (plan.onboarding === 'due_first') await onboard(true);

      // Stripe's side of every sale, in order; our side sees the events later, shuffled.
      const sales: { purchaseId: string; paymentIntentId: string; lost: boolean }[] = [];
      for (const [index, sale] of plan.sales.entries()) {
        const checkout = await world()
          .checkout()
          .createCheckoutSession(createTestUser(), contentId);
        if (checkout.status !== 'checkout_created') throw new Error(checkout.status);
        payment.push(...world().stub.payCheckoutSession(checkout.sessionId, { method: 'card' }));
        const paymentIntentId = String(world().stub.getSession(checkout.sessionId)?.payment_intent);
        const record = { purchaseId: checkout.purchaseId, paymentIntentId, lost: false };
        sales.push(record);
        const refunds = () => {
          for (const refund of sale.refunds) {
            const made = attemptRefund(paymentIntentId, refund);
            payment.push(...made);
          }
        };
        const dispute = () => {
          if (!sale.dispute) return;
          const opened = attemptOpen(paymentIntentId, sale.dispute.kind === 'inquiry');
          if (!opened) return;
          payment.push(...opened.events);
          const outcome = sale.dispute.outcome;
          const closed = attempt(() => world().stub.updateDispute(opened.id, outcome));
          payment.push(...closed);
          record.lost = closed.length > 0 && outcome === 'lost';
        };
        if (sale.disputeFirst) {
          dispute();
          refunds();
        } else {
          refunds();
          dispute();
        }
        if (plan.onboarding === 'between' && index === 0) await onboard(false);
      }
      if (plan.onboarding === 'after' || plan.onboarding === 'due_first') await onboard(false);

      // Our side: every event in the order the keys give, duplicates, some lost.
      const all = [...payment, ...connect];
      const lost = new Set(plan.lost.map((index) => all[index % all.length]?.id));
      const ordered = all
        .map((event, index) => ({ event, key: plan.keys[index % plan.keys.length] ?? 0 }))
        .sort((a, b) => a.key - b.key)
        .map(({ event }) => event)
        .filter((event) => !lost.has(event.id));
      const again = plan.duplicates.flatMap((index) => all[index % all.length] ?? []);
      const deliverOne = async (event: StripeStubEvent) => {
        if (event.account) {
          await world()
            .payouts()
            .handleConnectEvent(JSON.parse(JSON.stringify(event)));
          return;
        }
        world().stub.markEventDelivered(event.id);
        const outcome = await money.deliver(event);
        // As the payment webhook does after its response.
        if (
          outcome.status === 'processed' &&
          'purchaseId' in outcome.result &&
          outcome.result.purchaseId
        ) {
          await world().payouts().settleSale(outcome.result.purchaseId);
        }
      };
      const queue = [...ordered, ...again.filter((event) => !lost.has(event.id))];
      if (plan.concurrent) await Promise.all(queue.map(deliverOne));
      else for (const event of queue) await deliverOne(event);

      // The crons: the events sweep recovers lost payment events, the payouts' phase the rest.
      await world().fulfillment().reconcilePendingPurchases({ stripeCallBudget: 200 });
      for (const event of world().stub.events) world().stub.markEventDelivered(event.id);
      // Runs until one has nothing left to settle (a run that reverses may unblock another step).
      for (let run = 0; run < 4; run++) {
        const summary = await world()
          .payouts()
          .reconcile({ stripeCallBudget: 200, timeBudgetMs: 60_000 });
        if (Object.keys(summary.sales).length === 0 && summary.accountsSynced === 0) break;
      }

      // What Stripe holds, read from Stripe.
      const stripe = world().stripe();
      let expectedForOrganization = 0;
      let stripeFees = 0;
      for (const sale of sales) {
        const intent = await stripe.paymentIntents.retrieve(sale.paymentIntentId, {
          expand: ['latest_charge.balance_transaction'],
        });
        const charge = intent.latest_charge;
        if (!charge || typeof charge === 'string') throw new Error('no charge');
        const refunds = await stripe.refunds.list({
          payment_intent: sale.paymentIntentId,
          limit: 100,
        });
        const refunded = refunds.data
          .filter((refund) => refund.status === 'succeeded')
          .reduce((sum, refund) => sum + refund.amount, 0);
        const due = payoutDueCents({
          status: 'completed',
          disputeStatus: sale.lost ? 'lost' : null,
          amountTotalCents: charge.amount,
          amountTaxCents: 0,
          refundedCents: refunded,
          platformFeeBasisPoints: 1_000,
          platformFeeFixedCents: 0,
        });
        expectedForOrganization += due;
        const balance = charge.balance_transaction;
        stripeFees += balance && typeof balance === 'object' ? balance.fee : 0;
        const transfers = world()
          .stub.listTransfers()
          .filter((transfer) => transfer.transfer_group === `sale_${sale.purchaseId}`);
        expect(transfers.length).toBeLessThanOrEqual(1);
        const moved = transfers.reduce((sum, t) => sum + t.amount - t.amount_reversed, 0);
        expect({ sale: sale.purchaseId, moved }).toEqual({ sale: sale.purchaseId, moved: due });
        const row = await payouts.payoutRow(sale.purchaseId);
        expect((row?.transferredCents ?? 0) - (row?.reversedCents ?? 0)).toBe(due);
      }
      expect(payouts.balanceOf(accountId)).toBe(expectedForOrganization);
      const [totals] = await world().payouts().summarizeEarnings(payouts.owner(organizationId));
      expect((totals?.transferredCents ?? 0) - (totals?.reversedCents ?? 0)).toBe(
        expectedForOrganization,
      );
      expect(totals?.dueCents ?? 0).toBe(expectedForOrganization);
      // Stripe's fees, as its balance transactions say, to the cent.
      expect(totals).toMatchObject({ feesKnown: sales.length, stripeFeeCents: stripeFees });
      const queue2 = await world().review().listQueue(payouts.owner(organizationId));
      expect(queue2.items.filter((item) => item.kind === 'payout_reversal_uncovered')).toEqual([]);
    },
    TIMEOUT_MS,
  );
});

function attemptRefund(paymentIntentId: string, refund: RefundPlan): StripeStubEvent[] {
  const amount = refund.amount === 'part' ? { amount: 250 } : {};
  try {
    const made = world().stub.createRefund(paymentIntentId, {
      ...amount,
      status: refund.pending ? 'pending' : 'succeeded',
    });
    const events = [...made.events];
    // A pending refund succeeds or fails. One that succeeded stays so here: Stripe lets it fail
    // later (rarely), and a share taken back for it is not paid again (decision 026: one transfer
    // per sale; the ledger says `underpaid`, payouts.test.ts).
    if (refund.pending) {
      events.push(...attempt(() => world().stub.updateRefund(made.refund.id, refund.settlesAs)));
    }
    return events;
  } catch {
    return [];
  }
}

function attemptOpen(paymentIntentId: string, inquiry: boolean) {
  try {
    const opened = world().stub.openDispute(paymentIntentId, { inquiry });
    return { id: opened.dispute.id, events: opened.events };
  } catch {
    return undefined;
  }
}
