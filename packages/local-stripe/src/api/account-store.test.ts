import { describe, expect, it } from 'vitest';
import { createAccount, PLATFORM_CONTROLLER, refusal } from '../testing/connect-test-support';
import { rejectionOf, types, useStripeStub } from '../testing/stub-test-support';

let nowMs = Date.parse('2026-12-01T12:00:00Z');
const { stub, stripe } = useStripeStub({ now: () => nowMs });

describe('POST /v1/accounts', () => {
  it('creates a controller-property account with its first requirements due and nothing enabled', async () => {
    const account = await createAccount(stripe());
    expect(account).toMatchObject({
      id: expect.stringMatching(/^acct_/),
      object: 'account',
      type: 'none',
      controller: {
        fees: { payer: 'application' },
        is_controller: true,
        losses: { payments: 'application' },
        requirement_collection: 'stripe',
        stripe_dashboard: { type: 'none' },
        type: 'application',
      },
      capabilities: { transfers: 'inactive' },
      charges_enabled: false,
      payouts_enabled: false,
      details_submitted: false,
      requirements: {
        currently_due: [
          'business_type',
          'external_account',
          'tos_acceptance.date',
          'tos_acceptance.ip',
        ],
        disabled_reason: 'requirements.past_due',
        current_deadline: null,
        errors: [],
      },
      country: 'US',
      default_currency: 'usd',
      email: 'seller@codex.test',
      business_profile: { name: 'A seller' },
    });
    expect(await stripe().accounts.retrieve(account.id)).toEqual(account);
  });

  it('answers the legacy type whose controller properties these are exactly', async () => {
    const custom = await stripe().accounts.create({
      controller: { ...PLATFORM_CONTROLLER, requirement_collection: 'application' },
      capabilities: { transfers: { requested: true } },
    });
    expect(custom.type).toBe('custom');
    const standard = await stripe().accounts.create({ country: 'GB' });
    expect(standard).toMatchObject({ type: 'standard', default_currency: 'gbp' });
  });

  it.each([
    ['type with controller', { type: 'express', controller: PLATFORM_CONTROLLER }, 'type'],
    [
      'platform losses with the account paying fees',
      { controller: { losses: { payments: 'application' } } },
      'controller[fees][payer]',
    ],
    [
      'platform requirement collection with a Stripe dashboard',
      {
        controller: {
          ...PLATFORM_CONTROLLER,
          requirement_collection: 'application',
          stripe_dashboard: { type: 'express' },
        },
        capabilities: { transfers: { requested: true } },
      },
      'controller[requirement_collection]',
    ],
    ['no dashboard and no capabilities', { controller: PLATFORM_CONTROLLER }, 'capabilities'],
    [
      'an unknown controller parameter',
      { controller: { ...PLATFORM_CONTROLLER, application: { loss_liable: true } } },
      'controller[application]',
    ],
    [
      'a fees payer Stripe does not know',
      { controller: { fees: { payer: 'stripe' } } },
      'controller[fees][payer]',
    ],
  ])('refuses %s', async (_, params, param) => {
    const error = await rejectionOf(stripe().accounts.create(params as never));
    expect(refusal(error)).toMatchObject({ status: 400, type: 'invalid_request_error', param });
  });

  it('answers 404 for an unknown account', async () => {
    const error = await rejectionOf(stripe().accounts.retrieve('acct_missing'));
    expect(refusal(error)).toMatchObject({ status: 404, code: 'resource_missing' });
  });
});

describe('account links and the hosted onboarding page', () => {
  const linkParams = (account: string) => ({
    account,
    refresh_url: 'https://codex.test/refresh',
    return_url: 'https://codex.test/return',
    type: 'account_onboarding' as const,
  });

  it('answers a link to the local page that expires after 300 s', async () => {
    const account = await createAccount(stripe());
    const link = await stripe().accountLinks.create(linkParams(account.id));
    expect(link).toMatchObject({ object: 'account_link', created: nowMs / 1000 });
    expect(link.expires_at).toBe(link.created + 300);
    expect(link.url).toMatch(new RegExp(`^${stub().url}/connect/onboarding/[A-Za-z0-9]+$`));
  });

  it.each([
    ['an unknown account', { account: 'acct_missing' }, 'resource_missing', 'account'],
    ['no refresh_url', { refresh_url: undefined }, 'parameter_missing', 'refresh_url'],
    ['a return_url that is not a URL', { return_url: 'codex' }, 'url_invalid', 'return_url'],
    ['an unknown type', { type: 'account_management' }, undefined, 'type'],
    [
      'an unknown collection option',
      { collection_options: { fields: 'all' } },
      undefined,
      'collection_options[fields]',
    ],
  ])('refuses %s', async (_, override, code, param) => {
    const account = await createAccount(stripe());
    const error = await rejectionOf(
      stripe().accountLinks.create({ ...linkParams(account.id), ...override } as never),
    );
    expect(refusal(error)).toMatchObject({ status: 400, code, param });
  });

  it('shows the page once, completes onboarding, then sends a second visit to refresh_url', async () => {
    const account = await createAccount(stripe());
    const { url } = await stripe().accountLinks.create(linkParams(account.id));
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Complete onboarding');
    const again = await fetch(url, { redirect: 'manual' });
    expect([again.status, again.headers.get('location')]).toEqual([
      302,
      'https://codex.test/refresh',
    ]);

    const done = await fetch(url, { method: 'POST', body: 'choice=complete', redirect: 'manual' });
    expect([done.status, done.headers.get('location')]).toEqual([303, 'https://codex.test/return']);
    expect(await stripe().accounts.retrieve(account.id)).toMatchObject({
      capabilities: { transfers: 'active' },
      details_submitted: true,
      payouts_enabled: true,
      requirements: { currently_due: [], disabled_reason: null },
    });
    const twice = await fetch(url, { method: 'POST', body: 'choice=complete', redirect: 'manual' });
    expect(twice.status).toBe(302);
  });

  it('leaves requirements due from the page', async () => {
    const account = await createAccount(stripe());
    const { url } = await stripe().accountLinks.create(linkParams(account.id));
    await fetch(url);
    await fetch(url, { method: 'POST', body: 'choice=leave_due', redirect: 'manual' });
    expect(await stripe().accounts.retrieve(account.id)).toMatchObject({
      capabilities: { transfers: 'inactive' },
      details_submitted: true,
      payouts_enabled: false,
      requirements: { currently_due: ['external_account'] },
    });
  });

  it('redirects an expired link to refresh_url', async () => {
    const account = await createAccount(stripe());
    const { url } = await stripe().accountLinks.create(linkParams(account.id));
    nowMs += 301_000;
    const expired = await fetch(url, { redirect: 'manual' });
    expect([expired.status, expired.headers.get('location')]).toEqual([
      302,
      'https://codex.test/refresh',
    ]);
  });
});

describe('account events', () => {
  it('emits account.updated on the account, listed only with its Stripe-Account header', async () => {
    const account = await createAccount(stripe());
    const events = stub().completeAccountOnboarding(account.id);
    expect(types(events)).toEqual(['account.updated']);
    expect(events[0]).toMatchObject({
      account: account.id,
      data: {
        object: { id: account.id, capabilities: { transfers: 'active' } },
        previous_attributes: { capabilities: { transfers: 'inactive' }, payouts_enabled: false },
      },
    });
    expect(types(stub().requireAccountInformation(account.id))).toEqual(['account.updated']);
    expect(stub().getAccount(account.id)).toMatchObject({
      capabilities: { transfers: 'inactive' },
      payouts_enabled: false,
      requirements: { currently_due: ['individual.verification.document'] },
    });

    const platform = await stripe().events.list();
    expect(platform.data).toEqual([]);
    const connected = await stripe().events.list({}, { stripeAccount: account.id });
    expect(connected.data.map((event) => [event.type, event.account])).toEqual([
      ['account.updated', account.id],
      ['account.updated', account.id],
    ]);
    const eventId = String(events[0]?.id);
    await expect(stripe().events.retrieve(eventId)).rejects.toMatchObject({ statusCode: 404 });
    expect((await stripe().events.retrieve(eventId, {}, { stripeAccount: account.id })).id).toBe(
      eventId,
    );
  });
});
