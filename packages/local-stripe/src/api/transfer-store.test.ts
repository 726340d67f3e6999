import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  createAccount,
  createOnboardedAccount,
  payByCardApi,
  refusal,
} from '../testing/connect-test-support';
import { rejectionOf, types, useStripeStub } from '../testing/stub-test-support';

const { stub, stripe } = useStripeStub();

/** The platform's (or with `account`, a connected account's) available usd. */
async function available(account?: string): Promise<number> {
  const balance = await stripe().balance.retrieve({}, account ? { stripeAccount: account } : {});
  return balance.available.find((entry) => entry.currency === 'usd')?.amount ?? 0;
}

describe('transfers', () => {
  it('moves a charge’s funds to an onboarded account and emits transfer.created on the platform', async () => {
    const destination = await createOnboardedAccount(stripe(), stub());
    const { chargeId } = await payByCardApi(stripe(), 2000);
    const transfer = await stripe().transfers.create({
      amount: 1500,
      currency: 'usd',
      destination,
      source_transaction: chargeId,
      transfer_group: 'purchase_1',
      metadata: { purchaseId: 'p1' },
    });
    expect(transfer).toMatchObject({
      id: expect.stringMatching(/^tr_/),
      object: 'transfer',
      amount: 1500,
      amount_reversed: 0,
      currency: 'usd',
      destination,
      destination_payment: expect.stringMatching(/^py_/),
      reversals: {
        object: 'list',
        data: [],
        has_more: false,
        total_count: 0,
        url: `/v1/transfers/${transfer.id}/reversals`,
      },
      reversed: false,
      source_transaction: chargeId,
      source_type: 'card',
      transfer_group: 'purchase_1',
      balance_transaction: expect.stringMatching(/^txn_/),
    });
    // 2000 less the card fee (2.9 % + 30 = 88), less the transfer.
    expect(await available()).toBe(2000 - 88 - 1500);
    expect(await available(destination)).toBe(1500);
    const created = stub().events.filter((event) => event.type === 'transfer.created');
    expect(created).toHaveLength(1);
    expect(created[0]).not.toHaveProperty('account');
    expect(await stripe().transfers.retrieve(transfer.id)).toEqual(transfer);
    expect(stub().listTransfers()).toEqual([transfer]);
  });

  it('refuses an account whose transfers capability is not active', async () => {
    const account = await createAccount(stripe());
    const { chargeId } = await payByCardApi(stripe());
    const error = await rejectionOf(
      stripe().transfers.create({
        amount: 1000,
        currency: 'usd',
        destination: account.id,
        source_transaction: chargeId,
      }),
    );
    expect(refusal(error)).toEqual({
      status: 400,
      type: 'invalid_request_error',
      code: 'insufficient_capabilities_for_transfer',
      param: 'destination',
    });
  });

  it.each([
    ['an unknown destination', { destination: 'acct_missing' }, 'resource_missing', 'destination'],
    [
      'an unknown source charge',
      { source_transaction: 'ch_missing' },
      'resource_missing',
      'source_transaction',
    ],
    ['another currency than the charge’s', { currency: 'eur' }, undefined, 'currency'],
    ['more than the charge has left', { amount: 2001 }, undefined, 'amount'],
    ['no amount', { amount: undefined }, 'parameter_missing', 'amount'],
  ])('refuses %s', async (_, override, code, param) => {
    const destination = await createOnboardedAccount(stripe(), stub());
    const { chargeId } = await payByCardApi(stripe(), 2000);
    const params = {
      amount: 1000,
      currency: 'usd',
      destination,
      source_transaction: chargeId,
      ...override,
    };
    const error = await rejectionOf(
      stripe().transfers.create(params as Stripe.TransferCreateParams),
    );
    expect(refusal(error)).toMatchObject({ status: 400, code, param });
  });

  it('counts earlier transfers against the source charge', async () => {
    const destination = await createOnboardedAccount(stripe(), stub());
    const { chargeId } = await payByCardApi(stripe(), 2000);
    const send = (amount: number) =>
      stripe().transfers.create({
        amount,
        currency: 'usd',
        destination,
        source_transaction: chargeId,
      });
    await send(1200);
    expect(refusal(await rejectionOf(send(801)))).toMatchObject({ param: 'amount' });
    expect((await send(800)).amount).toBe(800);
  });

  it('refuses a transfer without a source beyond the available balance (balance_insufficient)', async () => {
    const destination = await createOnboardedAccount(stripe(), stub());
    await payByCardApi(stripe(), 1000);
    const error = await rejectionOf(
      stripe().transfers.create({ amount: 1000, currency: 'usd', destination }),
    );
    expect(refusal(error)).toMatchObject({
      status: 400,
      code: 'balance_insufficient',
      param: undefined,
    });
    const within = await stripe().transfers.create({ amount: 912, currency: 'usd', destination });
    expect(within.source_transaction).toBeNull();
  });

  it('lists by transfer_group and destination, newest first', async () => {
    const first = await createOnboardedAccount(stripe(), stub());
    const second = await createOnboardedAccount(stripe(), stub());
    const { chargeId } = await payByCardApi(stripe(), 5000);
    const send = (destination: string, group: string) =>
      stripe().transfers.create({
        amount: 100,
        currency: 'usd',
        destination,
        source_transaction: chargeId,
        transfer_group: group,
      });
    const a = await send(first, 'g1');
    const b = await send(second, 'g2');
    const c = await send(first, 'g2');
    const ids = async (params: Stripe.TransferListParams) =>
      (await stripe().transfers.list(params)).data.map((transfer) => transfer.id);
    expect(await ids({ transfer_group: 'g2' })).toEqual([c.id, b.id]);
    expect(await ids({ destination: first })).toEqual([c.id, a.id]);
    expect(await ids({ limit: 1, starting_after: c.id })).toEqual([b.id]);
  });
});

describe('transfer reversals', () => {
  async function transferOf(amount: number) {
    const destination = await createOnboardedAccount(stripe(), stub());
    const { chargeId } = await payByCardApi(stripe(), 3000);
    return stripe().transfers.create({
      amount,
      currency: 'usd',
      destination,
      source_transaction: chargeId,
    });
  }

  it('reverses in part, then the rest by default, and refuses more than is left', async () => {
    const transfer = await transferOf(1000);
    const part = await stripe().transfers.createReversal(transfer.id, {
      amount: 400,
      metadata: { why: 'refund' },
    });
    expect(part).toMatchObject({
      id: expect.stringMatching(/^trr_/),
      object: 'transfer_reversal',
      amount: 400,
      currency: 'usd',
      metadata: { why: 'refund' },
      transfer: transfer.id,
      balance_transaction: expect.stringMatching(/^txn_/),
      destination_payment_refund: expect.stringMatching(/^pyr_/),
      source_refund: null,
    });
    expect(await available(transfer.destination as string)).toBe(600);
    const rest = await stripe().transfers.createReversal(transfer.id);
    expect(rest.amount).toBe(600);
    expect(await stripe().transfers.retrieve(transfer.id)).toMatchObject({
      amount_reversed: 1000,
      reversed: true,
      reversals: { total_count: 2, data: [{ id: rest.id }, { id: part.id }] },
    });
    const more = await rejectionOf(stripe().transfers.createReversal(transfer.id, { amount: 1 }));
    expect(refusal(more)).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      param: 'amount',
    });
    const listed = await stripe().transfers.listReversals(transfer.id);
    expect(listed.data.map((reversal) => reversal.id)).toEqual([rest.id, part.id]);
    const reversed = stub().events.filter((event) => event.type === 'transfer.reversed');
    expect(reversed.map((event) => event.data.object.amount_reversed)).toEqual([400, 1000]);
  });

  it('refuses a reversal the destination’s balance cannot cover (balance_insufficient)', async () => {
    const transfer = await transferOf(1000);
    const destination = transfer.destination as string;
    const { payouts, events } = stub().payOutAccount(destination);
    expect(payouts.map((payout) => payout.amount)).toEqual([1000]);
    expect(events.map((event) => [event.type, event.account])).toEqual([
      ['payout.created', destination],
      ['payout.paid', destination],
    ]);
    expect(stub().balanceOf(destination).available[0]?.amount).toBe(0);
    const error = await rejectionOf(
      stripe().transfers.createReversal(transfer.id, { amount: 100 }),
    );
    expect(refusal(error)).toMatchObject({ status: 400, code: 'balance_insufficient' });
  });
});

describe('fees, balance transactions and the Stripe-Account header', () => {
  it('records each charge’s fee, readable through the nested expand of the PaymentIntent', async () => {
    const { intentId, chargeId } = await payByCardApi(stripe(), 1999);
    const intent = await stripe().paymentIntents.retrieve(intentId, {
      expand: ['latest_charge.balance_transaction'],
    });
    const charge = intent.latest_charge as Stripe.Charge;
    const transaction = charge.balance_transaction as Stripe.BalanceTransaction;
    // 2.9 % of 1999 is 57.971, rounded half up to 58; plus 30.
    expect(transaction).toMatchObject({
      object: 'balance_transaction',
      amount: 1999,
      fee: 88,
      net: 1911,
      type: 'charge',
      reporting_category: 'charge',
      source: chargeId,
      status: 'available',
      fee_details: [
        {
          amount: 88,
          currency: 'usd',
          type: 'stripe_fee',
          description: 'Stripe processing fees',
          application: null,
        },
      ],
    });
    expect(await stripe().balanceTransactions.retrieve(transaction.id)).toEqual(transaction);
    const expanded = await stripe().charges.retrieve(chargeId, { expand: ['balance_transaction'] });
    expect(expanded.balance_transaction).toEqual(transaction);
  });

  it('prices a bank debit at 0.8 % capped at $5.00, once it settles', async () => {
    const session = await stripe().checkout.sessions.create({
      mode: 'payment',
      success_url: 'https://codex.test/s',
      cancel_url: 'https://codex.test/c',
      line_items: [
        {
          quantity: 1,
          price_data: { currency: 'usd', unit_amount: 100_000, product_data: { name: 'A' } },
        },
      ],
    });
    stub().payCheckoutSession(session.id, { method: 'delayed' });
    expect(await available()).toBe(0);
    stub().settleDelayedPayment(session.id, 'succeeded');
    expect(await available()).toBe(100_000 - 500);
  });

  it('moves the platform balance on refunds and chargebacks, and back when a dispute is won', async () => {
    const { intentId } = await payByCardApi(stripe(), 2000);
    expect(await available()).toBe(1912);
    await stripe().refunds.create({ payment_intent: intentId, amount: 500 });
    expect(await available()).toBe(1412);
    const { dispute } = stub().openDispute(intentId, { amount: 1000 });
    expect(await available()).toBe(1412 - 1000 - 1500);
    expect(types(stub().updateDispute(dispute.id, 'won'))).toContain(
      'charge.dispute.funds_reinstated',
    );
    expect(await available()).toBe(1412);
  });

  it('answers a connected account’s balance with its header, refuses the header elsewhere and for unknown accounts', async () => {
    const account = await createAccount(stripe());
    expect(await stripe().balance.retrieve({}, { stripeAccount: account.id })).toEqual({
      object: 'balance',
      available: [{ amount: 0, currency: 'usd', source_types: { card: 0 } }],
      pending: [{ amount: 0, currency: 'usd', source_types: { card: 0 } }],
      livemode: false,
    });
    const elsewhere = await rejectionOf(
      stripe().customers.create({}, { stripeAccount: account.id }),
    );
    expect(refusal(elsewhere)).toMatchObject({ status: 400, code: undefined });
    expect((elsewhere as Error).message).toMatch(/does not implement the Stripe-Account header/);
    const unknown = await rejectionOf(
      stripe().balance.retrieve({}, { stripeAccount: 'acct_missing' }),
    );
    expect(refusal(unknown)).toMatchObject({ status: 403, code: 'account_invalid' });
  });
});
