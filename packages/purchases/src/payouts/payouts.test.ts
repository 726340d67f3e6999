import { eq, fulfillmentAnomalies, salePayouts } from '@codex/database';
import { ObservabilityClient } from '@codex/observability';
import { addTestMember, createTestContent, createTestUser } from '@codex/test-utils';
import { describe, expect, it } from 'vitest';
import { isPurchaseError } from '../purchase-error';
import { moneyPurchases } from '../testing/money-purchases';
import { payoutSteps } from '../testing/payout-steps';
import { useTestWorld } from '../testing/test-world';
import { syncAccount } from './connected-accounts';
import { readSaleState } from './sale-state';
import { claimStep, recordReversals, recordTransfer, saleTransferGroup } from './sale-steps';
import { settleFromRead } from './settle-sale-payout';

const world = useTestWorld({ maxConnections: 20 });
// 10 % of 1 000 is the platform's (the default fee): the organization's share is 900.
const PRICE = 1_000;
const SHARE = 900;
const money = moneyPurchases(world, PRICE);
const payouts = payoutSteps(world);

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return isPurchaseError(error) ? error.code : String(error);
  }
}

/**
 * A paid sale whose charge is recorded and whose organization's account was read from Stripe as
 * able to receive (as account.updated would), nothing transferred yet; and the context a worker
 * settles it with.
 */
async function saleReadyToTransfer() {
  const sale = await money.paidPurchase();
  expect(await world().payouts().settleSale(sale.purchaseId)).toBe('awaiting_account');
  const { accountId } = await payouts.onboard(sale.organizationId, { deliver: false });
  await syncAccount(
    world().testDb.http,
    world().stripe(),
    sale.organizationId,
    accountId,
    new Date(),
  );
  const ctx = {
    db: world().db,
    hot: world().testDb.http,
    stripe: world().stripe(),
    logger: new ObservabilityClient('payouts-test', 'test', { write: () => undefined }),
    clock: () => new Date(),
  };
  return { sale, accountId, ctx };
}

describe('onboarding', () => {
  it('creates one connected account with controller properties and answers a fresh link each time', async () => {
    const { organizationId } = await world().newItem(PRICE);
    const first = await world().payouts().startOnboarding(payouts.owner(organizationId));
    const again = await world().payouts().startOnboarding(payouts.owner(organizationId));
    expect(again.stripeAccountId).toBe(first.stripeAccountId);
    expect(again.url).not.toBe(first.url);
    const account = world().stub.getAccount(first.stripeAccountId);
    expect(account?.controller).toMatchObject({
      fees: { payer: 'application' },
      losses: { payments: 'application' },
      requirement_collection: 'stripe',
      stripe_dashboard: { type: 'express' },
    });
    const status = await world().payouts().readStatus(payouts.owner(organizationId));
    expect(status).toMatchObject({
      stripeAccountId: first.stripeAccountId,
      transfersActive: false,
      platformFee: { basisPoints: 1_000, fixedCents: 0, source: 'platform' },
    });
    expect(status.requirementsDue.length).toBeGreaterThan(0);
  });

  it('is the owner’s: an admin or a member is refused, a stranger does not see the organization', async () => {
    const { organizationId } = await world().newItem(PRICE);
    const admin = createTestUser();
    const member = createTestUser();
    await addTestMember(world().db, organizationId, admin, 'admin');
    await addTestMember(world().db, organizationId, member, 'member');
    const start = (userId: string) => world().payouts().startOnboarding({ organizationId, userId });
    expect(await codeOf(start(admin))).toBe('FORBIDDEN');
    expect(await codeOf(start(member))).toBe('FORBIDDEN');
    expect(await codeOf(start(createTestUser()))).toBe('NOT_FOUND');
    expect(
      world()
        .stub.listAccounts()
        .some((a) => a.metadata.organizationId === organizationId),
    ).toBe(false);
    // An admin reads the status and the earnings; a member does not.
    await expect(
      world().payouts().readStatus({ organizationId, userId: admin }),
    ).resolves.toMatchObject({ stripeAccountId: null });
    expect(await codeOf(world().payouts().listEarnings({ organizationId, userId: member }))).toBe(
      'FORBIDDEN',
    );
  });

  it('keeps what Stripe says now whatever order account.updated snapshots arrive in', async () => {
    const { organizationId } = await world().newItem(PRICE);
    const due = await payouts.onboard(organizationId, { leaveDue: true, deliver: false });
    const done = world().stub.completeAccountOnboarding(due.accountId);
    // The newer snapshot first, the older one last: each re-reads the account.
    await payouts.deliverConnect([...done, ...due.events]);
    const status = await world().payouts().readStatus(payouts.owner(organizationId));
    expect(status).toMatchObject({
      transfersActive: true,
      payoutsEnabled: true,
      requirementsDue: [],
    });
  });
});

describe('transfers', () => {
  it('pays a sale made before onboarding once account.updated says the account can receive, once', async () => {
    const sale = await money.paidPurchase();
    expect(await world().payouts().settleSale(sale.purchaseId)).toBe('awaiting_account');
    const row = await payouts.payoutRow(sale.purchaseId);
    expect(row?.stripeChargeId).toMatch(/^ch_/);
    expect(row?.stripeFeeCents).toBe(59); // 2.9 % of 1 000 + 30
    const { accountId, events } = await payouts.onboard(sale.organizationId);
    const transfers = payouts.transfersTo(accountId);
    expect(transfers).toHaveLength(1);
    expect(transfers[0]).toMatchObject({
      amount: SHARE,
      source_transaction: row?.stripeChargeId,
      transfer_group: `sale_${sale.purchaseId}`,
    });
    // Duplicates of everything change nothing.
    await payouts.deliverConnect(events);
    await money.deliverAll(
      world().stub.events.filter((e) => e.type === 'checkout.session.completed'),
    );
    expect(await world().payouts().settleSale(sale.purchaseId)).toBe('settled');
    expect(payouts.transfersTo(accountId)).toHaveLength(1);
    expect(payouts.balanceOf(accountId)).toBe(SHARE);
    expect(await payouts.payoutRow(sale.purchaseId)).toMatchObject({
      transferredCents: SHARE,
      reversedCents: 0,
    });
  });

  it('with account.updated lost, the reconciliation cron re-reads the account and transfers', async () => {
    const sale = await money.paidPurchase();
    await world().payouts().settleSale(sale.purchaseId);
    const { accountId } = await payouts.onboard(sale.organizationId, { deliver: false });
    expect(payouts.transfersTo(accountId)).toHaveLength(0);
    for (let run = 0; run < 10 && payouts.transfersTo(accountId).length === 0; run++) {
      await world().payouts().reconcile({ stripeCallBudget: 40 });
    }
    expect(payouts.transfersTo(accountId).map((t) => t.amount)).toEqual([SHARE]);
    await world().payouts().reconcile({ stripeCallBudget: 40 });
    expect(payouts.transfersTo(accountId)).toHaveLength(1);
  });

  it('holds a sale whose chargeback is open, pays it once won, never once lost', async () => {
    const won = await money.paidPurchase();
    const lost = await money.paidPurchase();
    const wonDispute = world().stub.openDispute(won.paymentIntentId);
    const lostDispute = world().stub.openDispute(lost.paymentIntentId);
    await money.deliverAll([...wonDispute.events, ...lostDispute.events]);
    const wonAccount = await payouts.onboard(won.organizationId);
    const lostAccount = await payouts.onboard(lost.organizationId);
    expect(await world().payouts().settleSale(won.purchaseId)).toBe('held_dispute');
    expect(await world().payouts().settleSale(lost.purchaseId)).toBe('held_dispute');
    await money.deliverAll(world().stub.updateDispute(wonDispute.dispute.id, 'won'));
    await money.deliverAll(world().stub.updateDispute(lostDispute.dispute.id, 'lost'));
    expect(await world().payouts().settleSale(won.purchaseId)).toBe('transferred');
    expect(await world().payouts().settleSale(lost.purchaseId)).toBe('nothing_owed');
    expect(payouts.transfersTo(wonAccount.accountId).map((t) => t.amount)).toEqual([SHARE]);
    expect(payouts.transfersTo(lostAccount.accountId)).toHaveLength(0);
  });

  it('makes one transfer however many settle the sale at once', async () => {
    const sale = await money.paidPurchase();
    const { accountId } = await payouts.onboard(sale.organizationId, { deliver: false });
    await world().payouts().reconcile({ stripeCallBudget: 5 }); // the account is read: active
    await Promise.all(
      Array.from({ length: 8 }, () => world().payouts().settleSale(sale.purchaseId)),
    );
    await world().payouts().settleSale(sale.purchaseId);
    expect(payouts.transfersTo(accountId).map((t) => t.amount)).toEqual([SHARE]);
  });

  it('a worker holding a read older than another worker’s step reads again: never a second transfer or reversal', async () => {
    const { sale, accountId, ctx } = await saleReadyToTransfer();
    // Worker B reads the sale; worker A then transfers it and releases its lease.
    const staleBeforeTransfer = await readSaleState(ctx.hot, sale.purchaseId);
    expect(await world().payouts().settleSale(sale.purchaseId)).toBe('transferred');
    if (!staleBeforeTransfer) throw new Error('no sale');
    expect(await settleFromRead(ctx, world().stripe(), staleBeforeTransfer)).toBe('again');
    expect(payouts.transfersTo(accountId)).toHaveLength(1);
    // The same with a reversal.
    await money.deliverAll(world().stub.createRefund(sale.paymentIntentId, { amount: 300 }).events);
    const staleBeforeReversal = await readSaleState(ctx.hot, sale.purchaseId);
    expect(await world().payouts().settleSale(sale.purchaseId)).toBe('reversed');
    if (!staleBeforeReversal) throw new Error('no sale');
    expect(await settleFromRead(ctx, world().stripe(), staleBeforeReversal)).toBe('again');
    expect(payouts.balanceOf(accountId)).toBe(630);
  });

  // The other interleaving: B reads while A's step is in flight (A has claimed it, not yet
  // recorded it), then A finishes and releases the lease before B claims. B's read counted A's
  // claim, so only the confirmation tells B that what it read is gone. The browser story on the
  // embedded database caught a second reversal here (a refund's two webhooks at once).
  it('a worker that read while another’s step was in flight reads again once that step is recorded', async () => {
    const { sale, accountId, ctx } = await saleReadyToTransfer();
    const stripe = world().stripe();
    const readNow = async () => {
      const read = await readSaleState(ctx.hot, sale.purchaseId);
      if (!read) throw new Error('no sale');
      return read;
    };
    // The transfer: A claims, B reads, A transfers and records.
    const beforeTransfer = await readNow();
    const transferStep = await claimStep(ctx.hot, sale.purchaseId, new Date(), beforeTransfer);
    if (!transferStep) throw new Error('A could not claim');
    const staleDuringTransfer = await readNow();
    const made = await stripe.transfers.create({
      amount: SHARE,
      currency: 'usd',
      destination: accountId,
      source_transaction: String(staleDuringTransfer.stripeChargeId),
      transfer_group: saleTransferGroup(sale.purchaseId),
    });
    await recordTransfer(ctx.hot, sale.purchaseId, made, transferStep.step);
    expect(await settleFromRead(ctx, stripe, staleDuringTransfer)).toBe('again');
    expect(payouts.transfersTo(accountId)).toHaveLength(1);
    // A reversal: A claims, B reads, A reverses and records.
    await money.deliverAll(world().stub.createRefund(sale.paymentIntentId, { amount: 300 }).events);
    const beforeReversal = await readNow();
    const reversalStep = await claimStep(ctx.hot, sale.purchaseId, new Date(), beforeReversal);
    if (!reversalStep) throw new Error('A could not claim');
    const staleDuringReversal = await readNow();
    const reversal = await stripe.transfers.createReversal(made.id, { amount: 270 });
    await recordReversals(ctx.hot, sale.purchaseId, made.id, [reversal], reversalStep.step);
    expect(await settleFromRead(ctx, stripe, staleDuringReversal)).toBe('again');
    expect(payouts.balanceOf(accountId)).toBe(630);
    expect(await world().payouts().settleSale(sale.purchaseId)).toBe('settled');
  });

  it('finds a transfer Stripe made whose answer was lost instead of making a second one', async () => {
    const sale = await money.paidPurchase();
    await world().payouts().settleSale(sale.purchaseId);
    const { accountId } = await payouts.onboard(sale.organizationId, { deliver: false });
    const row = await payouts.payoutRow(sale.purchaseId);
    // A worker sent the transfer (step 1) and died before recording Stripe's answer.
    await world()
      .stripe()
      .transfers.create({
        amount: SHARE,
        currency: 'usd',
        destination: accountId,
        source_transaction: String(row?.stripeChargeId),
        transfer_group: `sale_${sale.purchaseId}`,
      });
    await world()
      .db.update(salePayouts)
      .set({ stepsSent: 1 })
      .where(eq(salePayouts.purchaseId, sale.purchaseId));
    await payouts.deliverConnect(
      world().stub.completeAccountOnboarding(accountId, { leaveDue: true }),
    );
    await payouts.deliverConnect(world().stub.completeAccountOnboarding(accountId));
    expect(await world().payouts().settleSale(sale.purchaseId)).toBe('settled');
    expect(payouts.transfersTo(accountId)).toHaveLength(1);
    expect(await payouts.payoutRow(sale.purchaseId)).toMatchObject({ transferredCents: SHARE });
  });
});

describe('money going back', () => {
  it('a partial refund reverses the share in proportion, the rest of it all', async () => {
    const sale = await money.paidPurchase();
    const { accountId } = await payouts.onboard(sale.organizationId);
    await world().payouts().settleSale(sale.purchaseId);
    await money.deliverAll(world().stub.createRefund(sale.paymentIntentId, { amount: 300 }).events);
    expect(await world().payouts().settleSale(sale.purchaseId)).toBe('reversed');
    // 900 × (1 000 − 300) / 1 000 = 630 owed: 270 taken back.
    expect(payouts.balanceOf(accountId)).toBe(630);
    await money.deliverAll(world().stub.createRefund(sale.paymentIntentId).events);
    expect(await world().payouts().settleSale(sale.purchaseId)).toBe('reversed');
    expect(payouts.balanceOf(accountId)).toBe(0);
    expect(await payouts.payoutRow(sale.purchaseId)).toMatchObject({
      transferredCents: SHARE,
      reversedCents: SHARE,
    });
    const [line] = (await world().payouts().listEarnings(payouts.owner(sale.organizationId))).items;
    expect(line).toMatchObject({ status: 'reversed', dueCents: 0, refundedCents: PRICE });
  });

  it('waits for a pending refund to succeed before taking the share back', async () => {
    const sale = await money.paidPurchase();
    const { accountId } = await payouts.onboard(sale.organizationId);
    const refund = world().stub.createRefund(sale.paymentIntentId, {
      amount: 500,
      status: 'pending',
    });
    await money.deliverAll(refund.events);
    expect(await world().payouts().settleSale(sale.purchaseId)).toBe('settled');
    await money.deliverAll(world().stub.updateRefund(refund.refund.id, 'failed'));
    expect(await world().payouts().settleSale(sale.purchaseId)).toBe('settled');
    expect(payouts.balanceOf(accountId)).toBe(SHARE);
  });

  it('a refund that succeeded and then failed leaves the sale underpaid, never transferred twice', async () => {
    const sale = await money.paidPurchase();
    const { accountId } = await payouts.onboard(sale.organizationId);
    const refund = world().stub.createRefund(sale.paymentIntentId, { amount: 500 });
    await money.deliverAll(refund.events);
    expect(await world().payouts().settleSale(sale.purchaseId)).toBe('reversed');
    await money.deliverAll(world().stub.updateRefund(refund.refund.id, 'failed'));
    expect(await world().payouts().settleSale(sale.purchaseId)).toBe('underpaid');
    expect(payouts.transfersTo(accountId)).toHaveLength(1);
    const [line] = (await world().payouts().listEarnings(payouts.owner(sale.organizationId))).items;
    expect(line).toMatchObject({
      status: 'underpaid',
      dueCents: SHARE,
      transferredCents: SHARE,
      reversedCents: 450,
    });
  });

  it('a lost dispute after a transfer takes all of it back', async () => {
    const sale = await money.paidPurchase();
    const { accountId } = await payouts.onboard(sale.organizationId);
    const dispute = world().stub.openDispute(sale.paymentIntentId);
    await money.deliverAll(dispute.events);
    expect(await world().payouts().settleSale(sale.purchaseId)).toBe('settled');
    await money.deliverAll(world().stub.updateDispute(dispute.dispute.id, 'lost'));
    expect(await world().payouts().settleSale(sale.purchaseId)).toBe('reversed');
    expect(payouts.balanceOf(accountId)).toBe(0);
  });

  it('counts a reversal made outside the platform (the Dashboard) instead of reversing twice', async () => {
    const sale = await money.paidPurchase();
    const { accountId } = await payouts.onboard(sale.organizationId);
    const row = await payouts.payoutRow(sale.purchaseId);
    await world().stripe().transfers.createReversal(String(row?.transferId), { amount: SHARE });
    await money.deliverAll(world().stub.createRefund(sale.paymentIntentId).events);
    expect(await world().payouts().settleSale(sale.purchaseId)).toBe('settled');
    expect(payouts.balanceOf(accountId)).toBe(0);
    expect(await payouts.payoutRow(sale.purchaseId)).toMatchObject({
      reversedCents: SHARE,
      uncoveredCents: 0,
    });
  });

  it('keeps a reversal the account cannot cover in the review queue with its amount, and settles it once it can', async () => {
    const sale = await money.paidPurchase();
    const { accountId } = await payouts.onboard(sale.organizationId);
    world().stub.payOutAccount(accountId);
    await money.deliverAll(world().stub.createRefund(sale.paymentIntentId).events);
    expect(await world().payouts().settleSale(sale.purchaseId)).toBe('reversal_uncovered');
    const queue = await world().review().listQueue(payouts.owner(sale.organizationId));
    const flag = queue.items.find((item) => item.kind === 'payout_reversal_uncovered');
    expect(flag?.details).toMatchObject({
      amountCents: SHARE,
      currency: 'usd',
      stripeCode: 'balance_insufficient',
    });
    expect(flag?.suggestedRemedy?.action).toBe('dismiss');
    const [line] = (await world().payouts().listEarnings(payouts.owner(sale.organizationId))).items;
    expect(line?.status).toBe('reversal_uncovered');
    // Another sale refills the balance: the cron's next run takes the share back.
    const item = await createTestContent(world().db, {
      organizationId: sale.organizationId,
      priceCents: PRICE,
    });
    await money.paidPurchase({
      contentId: item.id,
      customerId: createTestUser(),
      organizationId: sale.organizationId,
    });
    await world().payouts().reconcile({ stripeCallBudget: 40 });
    expect(payouts.balanceOf(accountId)).toBe(0);
    expect(await payouts.payoutRow(sale.purchaseId)).toMatchObject({
      reversedCents: SHARE,
      uncoveredCents: 0,
    });
    const [closed] = await world()
      .db.select()
      .from(fulfillmentAnomalies)
      .where(eq(fulfillmentAnomalies.purchaseId, sale.purchaseId));
    expect(closed).toMatchObject({ resolution: 'settled', resolvedBy: 'system' });
    expect(closed?.resolvedAt).not.toBeNull();
  });
});
