import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type StripeStub, startStripeStub } from '../start-stripe-stub';
import { createAccount, payByCardApi } from '../testing/connect-test-support';
import { createLocalStripePages, type LocalStripePages } from './create-local-stripe-pages';

// The Connect part of the local dashboard over HTTP, as a browser test reads and presses it.
let stub: StripeStub;
let pages: LocalStripePages;
let stripe: Stripe;

beforeAll(async () => {
  pages = createLocalStripePages({
    stub: () => stub,
    delayedSettlementMs: 50,
    failingRefundMs: 50,
    log: () => undefined,
  });
  stub = await startStripeStub({ handlePage: pages.handlePage });
  stripe = new Stripe('sk_test_pages', {
    host: stub.host,
    port: stub.port,
    protocol: 'http',
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: 0,
  });
});
afterEach(() => stub.reset());
afterAll(async () => {
  pages.stop();
  await stub.close();
});

const dashboard = async () => (await fetch(`${stub.url}/`)).text();

/** The text of the first element with `data-testid="<id>"` inside `html`. */
function testIdText(html: string, id: string): string | undefined {
  return new RegExp(`data-testid="${id}"[^>]*>([^<]*)<`).exec(html)?.[1];
}

/** Presses an account's button; returns the notice (or error) the dashboard shows after it. */
async function press(accountId: string, action: string): Promise<string> {
  const response = await fetch(`${stub.url}/dashboard/accounts/${accountId}/${action}`, {
    method: 'POST',
    redirect: 'manual',
  });
  expect(response.status).toBe(303);
  const shown = new URL(String(response.headers.get('location')), stub.url).searchParams;
  return String(shown.get('notice') ?? `error: ${shown.get('error')}`);
}

describe('the dashboard’s Connect section', () => {
  it('shows accounts, the platform balance, transfers and each charge’s fee, and acts on accounts', async () => {
    const account = await createAccount(stripe);
    let page = await dashboard();
    expect(page).toContain(`data-testid="account-row" data-account="${account.id}"`);
    expect(testIdText(page, 'account-status')).toMatch(/^requirements due: business_type/);
    expect(testIdText(page, 'account-payouts')).toBe('payouts disabled');

    expect(await press(account.id, 'complete-onboarding')).toContain('sent account.updated');
    const { chargeId } = await payByCardApi(stripe, 2000);
    const transfer = await stripe.transfers.create({
      amount: 1200,
      currency: 'usd',
      destination: account.id,
      source_transaction: chargeId,
    });
    page = await dashboard();
    expect(testIdText(page, 'account-status')).toBe('transfers active');
    expect(testIdText(page, 'account-payouts')).toBe('payouts enabled');
    expect(testIdText(page, 'account-balance')).toBe('$12.00');
    expect(testIdText(page, 'platform-balance')).toBe('$7.12');
    expect(page).toContain(`data-testid="transfer-row" data-transfer="${transfer.id}"`);
    expect(testIdText(page, 'transfer-amount')).toBe('$12.00');
    expect(testIdText(page, 'transfer-reversed')).toBe('not reversed');
    expect(page).toContain(chargeId);

    expect(await press(account.id, 'pay-out')).toContain('sent payout.created, payout.paid');
    expect(testIdText(await dashboard(), 'account-balance')).toBe('$0.00');
    await press(account.id, 'require-information');
    expect(testIdText(await dashboard(), 'account-status')).toBe(
      'requirements due: individual.verification.document',
    );
    const refused = await press(account.id, 'pay-out');
    expect(refused).toMatch(/^error: .*payouts disabled/);
  });

  it('shows the Stripe fee of a paid checkout session', async () => {
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      success_url: 'https://codex.test/s',
      cancel_url: 'https://codex.test/c',
      line_items: [
        {
          quantity: 1,
          price_data: { currency: 'usd', unit_amount: 1000, product_data: { name: 'A' } },
        },
      ],
    });
    stub.payCheckoutSession(session.id);
    expect(testIdText(await dashboard(), 'charge-fee')).toBe('Stripe fee $0.59');
  });
});
