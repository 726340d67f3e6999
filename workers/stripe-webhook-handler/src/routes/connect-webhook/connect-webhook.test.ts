import type { StripeStubEvent } from '@codex/local-stripe';
import { ObservabilityClient } from '@codex/observability';
import { PayoutService } from '@codex/purchases';
import { addTestMember, createTestUser } from '@codex/test-utils/factories';
import { describe, expect, it } from 'vitest';
import {
  deliverAll,
  payByCard,
  startPurchase,
  stripeAction,
} from '../../testing/test-stripe-actions';
import {
  callWorker,
  signPayload,
  testEnv,
  testStripeClient,
  withTestDatabase,
} from '../../testing/test-support';

const CONNECT_PATH = '/webhooks/stripe/connect';
const connectSecret = () =>
  (testEnv as unknown as { STRIPE_WEBHOOK_SECRET_CONNECT: string }).STRIPE_WEBHOOK_SECRET_CONNECT;

/** Delivers a Connect event, signed with the Connect endpoint's secret (or `secret`). */
async function deliverConnect(
  event: unknown,
  options: { secret?: string; overrides?: Record<string, string> } = {},
) {
  const payload = JSON.stringify(event);
  const signature = await signPayload(payload, { secret: options.secret ?? connectSecret() });
  return callWorker(
    CONNECT_PATH,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature },
      body: payload,
    },
    options.overrides,
  );
}

const payouts = (db: Parameters<Parameters<typeof withTestDatabase>[0]>[0]) =>
  new PayoutService({
    db,
    stripe: testStripeClient(),
    logger: new ObservabilityClient('test', 'test', { write: () => undefined }),
    webAppUrl: testEnv.WEB_APP_URL,
  });

/** The stand-in's transfers (newest first), over its control endpoint. */
async function stubTransfers(): Promise<
  { destination: string; amount: number; amount_reversed: number; transfer_group: string | null }[]
> {
  const response = await fetch(new URL('/__stub/transfers', testEnv.STRIPE_API_BASE));
  const body = (await response.json()) as { data?: unknown[] } | unknown[];
  return (Array.isArray(body) ? body : (body.data ?? [])) as never;
}

describe('POST /webhooks/stripe/connect', () => {
  it('pays a sale made before onboarding when account.updated arrives, and a refund takes back its share', async () => {
    const purchase = await startPurchase({ priceCents: 1_000 });
    const owner = createTestUser();
    await withTestDatabase((db) => addTestMember(db, purchase.organizationId, owner, 'owner'));
    const paid = await payByCard(purchase);
    await deliverAll(paid.events); // the payment webhook settles the payout: the account is missing
    const { stripeAccountId } = await withTestDatabase((db) =>
      payouts(db).startOnboarding({ organizationId: purchase.organizationId, userId: owner }),
    );
    const onboarded = await stripeAction<{ events: StripeStubEvent[] }>(
      'complete-account-onboarding',
      { accountId: stripeAccountId },
    );
    const [updated] = onboarded.events;
    expect(updated?.account).toBe(stripeAccountId);
    const response = await deliverConnect(updated);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, outcome: 'synced' });
    const group = `sale_${purchase.purchaseId}`;
    const transfers = (await stubTransfers()).filter((t) => t.transfer_group === group);
    expect(transfers).toMatchObject([{ destination: stripeAccountId, amount: 900 }]);
    // Delivered again: nothing more moves.
    await deliverConnect(updated);
    expect((await stubTransfers()).filter((t) => t.transfer_group === group)).toHaveLength(1);

    const refund = await stripeAction('create-refund', {
      paymentIntentId: paid.paymentIntentId,
      amount: 500,
    });
    await deliverAll(refund.events); // settled after the response: 450 of the 900 taken back
    const [after] = (await stubTransfers()).filter((t) => t.transfer_group === group);
    expect(after).toMatchObject({ amount: 900, amount_reversed: 450 });
  });

  it('acknowledges other types and accounts that are not ours', async () => {
    const other = await deliverConnect({
      id: 'evt_connect_other',
      object: 'event',
      type: 'payout.paid',
      account: 'acct_not_ours',
      data: { object: {} },
    });
    expect(await other.json()).toEqual({ received: true, outcome: 'ignored' });
    const unknown = await deliverConnect({
      id: 'evt_connect_unknown',
      object: 'event',
      type: 'account.updated',
      account: 'acct_not_ours',
      data: { object: { id: 'acct_not_ours' } },
    });
    expect(unknown.status).toBe(200);
    expect(await unknown.json()).toEqual({ received: true, outcome: 'ignored' });
  });

  it('refuses a body signed with the payment endpoint’s secret, and answers 503 without its own', async () => {
    const event = {
      id: 'evt_connect_x',
      object: 'event',
      type: 'account.updated',
      account: 'acct_x',
    };
    const wrongSecret = await deliverConnect(event, {
      secret: testEnv.STRIPE_WEBHOOK_SECRET_PAYMENT,
    });
    expect(wrongSecret.status).toBe(400);
    const unconfigured = await deliverConnect(event, {
      overrides: { STRIPE_WEBHOOK_SECRET_CONNECT: '' },
    });
    expect(unconfigured.status).toBe(503);
  });
});
