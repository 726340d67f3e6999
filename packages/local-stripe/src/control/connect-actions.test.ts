import { describe, expect, it } from 'vitest';
import { createAccount, payByCardApi } from '../testing/connect-test-support';
import { useStripeStub } from '../testing/stub-test-support';

const { stub, stripe } = useStripeStub();

/** Calls a control endpoint as a Workers test would: plain fetch, JSON in and out. */
async function control(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${stub().url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const eventTypes = (json: Record<string, unknown>) =>
  (json.events as Array<{ type: string }>).map((event) => event.type);

describe('Connect control endpoints', () => {
  it('onboard, require information and pay out an account over HTTP', async () => {
    const account = await createAccount(stripe());
    const due = await control('POST', '/__stub/actions/complete-account-onboarding', {
      accountId: account.id,
      leaveDue: true,
    });
    expect([due.status, eventTypes(due.json)]).toEqual([200, ['account.updated']]);
    expect(stub().getAccount(account.id)?.requirements.currently_due).toEqual(['external_account']);

    const done = await control('POST', '/__stub/actions/complete-account-onboarding', {
      accountId: account.id,
    });
    expect(eventTypes(done.json)).toEqual(['account.updated']);
    const { chargeId } = await payByCardApi(stripe(), 2000);
    await stripe().transfers.create({
      amount: 700,
      currency: 'usd',
      destination: account.id,
      source_transaction: chargeId,
    });
    const transfers = await control('GET', '/__stub/transfers');
    expect((transfers.json.data as Array<{ amount: number }>).map((t) => t.amount)).toEqual([700]);
    const balance = await control('GET', `/__stub/balance?account=${account.id}`);
    expect(balance.json).toMatchObject({ available: [{ amount: 700, currency: 'usd' }] });
    const platform = await control('GET', '/__stub/balance');
    expect(platform.json).toMatchObject({ available: [{ amount: 2000 - 88 - 700 }] });

    const paid = await control('POST', '/__stub/actions/pay-out-account', {
      accountId: account.id,
    });
    expect(eventTypes(paid.json)).toEqual(['payout.created', 'payout.paid']);
    expect(stub().balanceOf(account.id).available[0]?.amount).toBe(0);

    const required = await control('POST', '/__stub/actions/require-account-information', {
      accountId: account.id,
    });
    expect(eventTypes(required.json)).toEqual(['account.updated']);
    const accounts = await control('GET', '/__stub/accounts');
    expect(accounts.json.data).toEqual([stub().getAccount(account.id)]);
  });

  it('refuses an unknown account (404) and a payout while payouts are disabled (400)', async () => {
    const missing = await control('POST', '/__stub/actions/pay-out-account', {
      accountId: 'acct_missing',
    });
    expect(missing.status).toBe(404);
    const account = await createAccount(stripe());
    const disabled = await control('POST', '/__stub/actions/pay-out-account', {
      accountId: account.id,
    });
    expect(disabled.status).toBe(400);
  });
});
