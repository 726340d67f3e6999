import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import {
  type ContractCase,
  type ContractTarget,
  type FieldRead,
  type Observation,
  observe,
  refused,
  shapeOf,
} from './stripe-contract-target';

// What the platform's separate charges and transfers rely on (`@codex/local-stripe` README,
// "Connect"): a controller-property account read back, its onboarding link, a transfer refused to
// an account whose transfers are not active, a reversal of more than is left refused, and the
// charge's fee read through the PaymentIntent.

/** The controller properties the platform creates its sellers' accounts with. */
const CONTROLLER: Stripe.AccountCreateParams.Controller = {
  fees: { payer: 'application' },
  losses: { payments: 'application' },
  requirement_collection: 'stripe',
  stripe_dashboard: { type: 'none' },
};

/** The fields of an Account the platform reads. */
const ACCOUNT_READS: Record<string, FieldRead> = {
  id: 'type',
  object: 'value',
  type: 'value',
  'controller.type': 'value',
  'controller.is_controller': 'value',
  'controller.fees.payer': 'value',
  'controller.losses.payments': 'value',
  'controller.requirement_collection': 'value',
  'controller.stripe_dashboard.type': 'value',
  'capabilities.transfers': 'value',
  charges_enabled: 'value',
  payouts_enabled: 'value',
  details_submitted: 'value',
  'requirements.currently_due': 'type',
  'requirements.disabled_reason': 'type',
};
const LINK_READS: Record<string, FieldRead> = {
  object: 'value',
  url: 'type',
  created: 'type',
  expires_at: 'type',
};
const TRANSFER_READS: Record<string, FieldRead> = {
  id: 'type',
  amount: 'value',
  amount_reversed: 'value',
  reversed: 'value',
  source_transaction: 'type',
  destination_payment: 'type',
  transfer_group: 'type',
};
/** What the platform reads of a payment's fee: the nested expand of its charge's balance transaction. */
const FEE_READS: Record<string, FieldRead> = {
  'latest_charge.id': 'type',
  'latest_charge.balance_transaction.id': 'type',
  'latest_charge.balance_transaction.amount': 'value',
  'latest_charge.balance_transaction.fee': 'value',
  'latest_charge.balance_transaction.net': 'value',
  'latest_charge.balance_transaction.type': 'value',
  'latest_charge.balance_transaction.fee_details.0.type': 'value',
};

function createAccount(target: ContractTarget): Promise<Stripe.Account> {
  return target.stripe.accounts.create({
    controller: CONTROLLER,
    capabilities: { transfers: { requested: true } },
    email: `contract+${randomUUID()}@codex.test`,
    business_profile: { name: 'Contract seller' },
  });
}

/** A confirmed card payment of `amount` cents; its charge id. */
async function charge(
  target: ContractTarget,
  amount: number,
): Promise<{ intent: string; charge: string }> {
  const intent = await target.stripe.paymentIntents.create(
    {
      amount,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
    },
    { idempotencyKey: `contract:${target.runId}:${randomUUID()}` },
  );
  return { intent: intent.id, charge: String(intent.latest_charge) };
}

const newAccount = shapeOf(
  {
    id: 'acct',
    object: 'account',
    type: 'none',
    controller: {
      type: 'application',
      is_controller: true,
      fees: { payer: 'application' },
      losses: { payments: 'application' },
      requirement_collection: 'stripe',
      stripe_dashboard: { type: 'none' },
    },
    capabilities: { transfers: 'inactive' },
    charges_enabled: false,
    payouts_enabled: false,
    details_submitted: false,
    requirements: { currently_due: [], disabled_reason: 'requirements.past_due' },
  },
  ACCOUNT_READS,
);

/**
 * An account whose transfers are active. At the stand-in: through its hosted onboarding page, as a
 * seller completes it. At Stripe: an account the platform collects requirements for, given Stripe's
 * test-mode verification values (https://docs.stripe.com/connect/testing), polled until active.
 */
async function activeAccount(target: ContractTarget): Promise<string> {
  if (target.name === 'stand-in') {
    const account = await createAccount(target);
    const { url } = await target.stripe.accountLinks.create({
      account: account.id,
      refresh_url: 'https://app.codex.test/refresh',
      return_url: 'https://app.codex.test/return',
      type: 'account_onboarding',
    });
    await fetch(url);
    await fetch(url, { method: 'POST', body: 'choice=complete', redirect: 'manual' });
    return account.id;
  }
  const email = `contract+${randomUUID()}@codex.test`;
  const account = await target.stripe.accounts.create({
    controller: { ...CONTROLLER, requirement_collection: 'application' },
    capabilities: { transfers: { requested: true } },
    country: 'US',
    email,
    business_type: 'individual',
    business_profile: { mcc: '5734', url: 'https://accessible.stripe.com' },
    individual: {
      first_name: 'Contract',
      last_name: 'Seller',
      email,
      phone: '0000000000',
      dob: { day: 1, month: 1, year: 1901 },
      ssn_last_4: '0000',
      id_number: '000000000',
      address: {
        line1: 'address_full_match',
        city: 'South San Francisco',
        state: 'CA',
        postal_code: '94080',
        country: 'US',
      },
    },
    tos_acceptance: { date: Math.floor(Date.now() / 1000), ip: '8.8.8.8' },
    external_account: 'btok_us_verified',
  });
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const read = await target.stripe.accounts.retrieve(account.id);
    if (read.capabilities?.transfers === 'active') break;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return account.id;
}

export function connectCases(): ContractCase[] {
  return [
    {
      name: 'connect: an account by controller properties, created and read back',
      expected: { created: newAccount, read: newAccount },
      async run(target): Promise<Record<string, Observation>> {
        let id: string | undefined;
        const created = await observe(createAccount(target), (account) => {
          id = account.id;
          return shapeOf(account, ACCOUNT_READS);
        });
        if (id === undefined) return { created };
        const read = await observe(target.stripe.accounts.retrieve(id), (account) =>
          shapeOf(account, ACCOUNT_READS),
        );
        return { created, read };
      },
    },
    {
      name: 'connect: an onboarding link, and one for an account the platform does not have',
      expected: {
        link: shapeOf({ object: 'account_link', url: 'u', created: 1, expires_at: 1 }, LINK_READS),
        unknown: refused('resource_missing', 'account'),
      },
      async run(target): Promise<Record<string, Observation>> {
        const account = await createAccount(target);
        const linkTo = (id: string) =>
          observe(
            target.stripe.accountLinks.create({
              account: id,
              refresh_url: 'https://app.codex.test/refresh',
              return_url: 'https://app.codex.test/return',
              type: 'account_onboarding',
            }),
            (link) => shapeOf(link, LINK_READS),
          );
        return { link: await linkTo(account.id), unknown: await linkTo('acct_1NoSuchAccount0000') };
      },
    },
    {
      name: 'connect: a transfer to an account whose transfers are not active is refused',
      expected: { transfer: refused('insufficient_capabilities_for_transfer', 'destination') },
      async run(target): Promise<Record<string, Observation>> {
        const account = await createAccount(target);
        const paid = await charge(target, 2000);
        const transfer = await observe(
          target.stripe.transfers.create({
            amount: 1000,
            currency: 'usd',
            destination: account.id,
            source_transaction: paid.charge,
          }),
          (created) => shapeOf(created, TRANSFER_READS),
        );
        return { transfer };
      },
    },
    {
      name: 'connect: a transfer from a charge, then a reversal of more than is left refused',
      expected: {
        transfer: shapeOf(
          {
            id: 'tr',
            amount: 1000,
            amount_reversed: 0,
            reversed: false,
            source_transaction: 'ch',
            destination_payment: 'py',
            transfer_group: 'g',
          },
          TRANSFER_READS,
        ),
        reversal: refused(null, 'amount'),
      },
      async run(target): Promise<Record<string, Observation>> {
        const destination = await activeAccount(target);
        const paid = await charge(target, 2000);
        let id: string | undefined;
        const transfer = await observe(
          target.stripe.transfers.create({
            amount: 1000,
            currency: 'usd',
            destination,
            source_transaction: paid.charge,
            transfer_group: `contract-${target.runId}`,
          }),
          (created) => {
            id = created.id;
            return shapeOf(created, TRANSFER_READS);
          },
        );
        if (id === undefined) return { transfer };
        const reversal = await observe(
          target.stripe.transfers.createReversal(id, { amount: 1500 }),
          (created) => shapeOf(created, { id: 'type' }),
        );
        return { transfer, reversal };
      },
    },
    {
      name: 'connect: a payment’s fee through latest_charge.balance_transaction',
      expected: {
        fee: shapeOf(
          {
            latest_charge: {
              id: 'ch',
              balance_transaction: {
                id: 'txn',
                amount: 2000,
                // Stripe's US card pricing: 2.9 % of 2000 + 30.
                fee: 88,
                net: 1912,
                type: 'charge',
                fee_details: [{ type: 'stripe_fee' }],
              },
            },
          },
          FEE_READS,
        ),
      },
      async run(target): Promise<Record<string, Observation>> {
        const paid = await charge(target, 2000);
        const fee = await observe(
          target.stripe.paymentIntents.retrieve(paid.intent, {
            expand: ['latest_charge.balance_transaction'],
          }),
          (intent) => shapeOf(intent, FEE_READS),
        );
        return { fee };
      },
    },
  ];
}
