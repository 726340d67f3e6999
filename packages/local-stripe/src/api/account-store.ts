import { type AccountController, LEGACY_CONTROLLERS, readAccountParams } from './account-params';
import type { Emission, MoneyOutcome } from './money-types';
import { randomId } from './random-id';
import type { Params } from './read-params';
import { isStripeFailure, noSuch, type StripeFailure } from './stripe-error';

/** A capability's status (https://docs.stripe.com/api/accounts/object#account_object-capabilities). */
export type StripeStubCapabilityStatus = 'inactive' | 'pending' | 'active';

/** A connected account as the stand-in stores and serves it: Stripe's Account object, in part. */
export type StripeStubAccount = {
  id: string;
  object: 'account';
  /** `none` unless the controller properties are exactly those of a legacy type (*unconfirmed*). */
  type: 'custom' | 'express' | 'none' | 'standard';
  controller: {
    fees: { payer: AccountController['feesPayer'] };
    is_controller: true;
    losses: { payments: AccountController['lossesPayments'] };
    requirement_collection: AccountController['requirementCollection'];
    stripe_dashboard: { type: AccountController['dashboard'] };
    type: 'account' | 'application';
  };
  /** The requested capabilities only. */
  capabilities: {
    card_payments?: StripeStubCapabilityStatus;
    transfers?: StripeStubCapabilityStatus;
  };
  charges_enabled: boolean;
  payouts_enabled: boolean;
  details_submitted: boolean;
  requirements: {
    currently_due: string[];
    eventually_due: string[];
    past_due: string[];
    pending_verification: string[];
    disabled_reason: string | null;
    current_deadline: null;
    errors: [];
  };
  business_profile: { name: string | null };
  country: string;
  default_currency: string;
  email: string | null;
  metadata: Record<string, string>;
  created: number;
  livemode: false;
};

/** What a new account must still provide (a US individual's first onboarding step). */
const NEW_ACCOUNT_DUE = [
  'business_type',
  'external_account',
  'tos_acceptance.date',
  'tos_acceptance.ip',
];
/** What "Leave requirements due" leaves: no bank account for payouts yet. */
const LEFT_DUE = ['external_account'];
/** What Stripe asks for again when it needs more information (an identity document). */
const INFORMATION_REQUIRED = ['individual.verification.document'];
// Stripe's reason while `currently_due` holds fields past their deadline
// (https://docs.stripe.com/api/accounts/object#account_object-requirements-disabled_reason).
const DISABLED_DUE = 'requirements.past_due';

const EURO_COUNTRIES = [
  'AT',
  'BE',
  'DE',
  'EE',
  'ES',
  'FI',
  'FR',
  'GR',
  'IE',
  'IT',
  'LU',
  'NL',
  'PT',
];
const CURRENCY_OF_COUNTRY: Record<string, string> = {
  AU: 'aud',
  CA: 'cad',
  CH: 'chf',
  DK: 'dkk',
  GB: 'gbp',
  JP: 'jpy',
  NO: 'nok',
  NZ: 'nzd',
  SE: 'sek',
  US: 'usd',
};

/**
 * The platform's connected accounts: `POST /v1/accounts`, `GET /v1/accounts/:id`, and Stripe's
 * side of onboarding (completed, left with requirements due, information required again), each
 * change emitting `account.updated` with the account's id as the event's `account`. Pure state;
 * returns copies or Stripe's refusal, never throws.
 */
export function createAccountStore(nowSeconds: () => number) {
  const accounts = new Map<string, StripeStubAccount>();

  /** Applies `change` to an account and answers `account.updated` with what it changed. */
  function update(
    id: string,
    change: (account: StripeStubAccount) => void,
  ): MoneyOutcome<StripeStubAccount> {
    const account = accounts.get(id);
    if (!account) return noSuch('account', id, 'account');
    const before = structuredClone(account);
    change(account);
    const previousAttributes = Object.fromEntries(
      Object.entries(before).filter(
        ([key, value]) =>
          JSON.stringify(value) !== JSON.stringify(account[key as keyof StripeStubAccount]),
      ),
    );
    const emitted: Emission[] =
      Object.keys(previousAttributes).length === 0
        ? []
        : [{ type: 'account.updated', object: account, account: id, previousAttributes }];
    return { value: account, emitted };
  }

  return {
    /** `POST /v1/accounts`: a new account with its first requirements due and nothing enabled. */
    create(params: Params): StripeStubAccount | StripeFailure {
      const read = readAccountParams(params);
      if (isStripeFailure(read)) return read;
      const { controller, country } = read;
      const account: StripeStubAccount = {
        id: randomId('acct_', 16),
        object: 'account',
        type: read.legacyType ?? legacyTypeOf(controller),
        controller: {
          fees: { payer: controller.feesPayer },
          is_controller: true,
          losses: { payments: controller.lossesPayments },
          requirement_collection: controller.requirementCollection,
          stripe_dashboard: { type: controller.dashboard },
          type: read.legacyType === 'standard' ? 'account' : 'application',
        },
        capabilities: Object.fromEntries(read.capabilities.map((name) => [name, 'inactive'])),
        charges_enabled: false,
        payouts_enabled: false,
        details_submitted: false,
        requirements: requirements(NEW_ACCOUNT_DUE),
        business_profile: { name: read.businessName },
        country,
        default_currency:
          CURRENCY_OF_COUNTRY[country] ?? (EURO_COUNTRIES.includes(country) ? 'eur' : 'usd'),
        email: read.email,
        metadata: read.metadata,
        created: nowSeconds(),
        livemode: false,
      };
      accounts.set(account.id, account);
      return structuredClone(account);
    },

    /** The live account (callers copy before handing it out), or undefined. */
    find: (id: string) => accounts.get(id),
    /** A copy of the account, or undefined. */
    retrieve: (id: string) => structuredClone(accounts.get(id)),
    /** Every account, oldest first (copies). */
    all: () => [...accounts.values()].map((account) => structuredClone(account)),

    /**
     * Onboarding done: nothing due, the requested capabilities `active`, payouts (and, with
     * `card_payments`, charges) enabled. With `leaveDue`: details submitted but a bank account
     * still due, so capabilities stay `inactive` and payouts off.
     */
    completeOnboarding(id: string, { leaveDue = false }: { leaveDue?: boolean } = {}) {
      return update(id, (account) => {
        account.details_submitted = true;
        setEnabled(account, !leaveDue);
        account.requirements = requirements(leaveDue ? LEFT_DUE : []);
      });
    },

    /** Stripe needs more information: requirements due again, capabilities `inactive`, payouts off. */
    requireInformation(id: string) {
      return update(id, (account) => {
        setEnabled(account, false);
        account.requirements = requirements(INFORMATION_REQUIRED);
      });
    },

    reset: () => accounts.clear(),
  };
}

/** The account store; see {@link createAccountStore}. */
export type AccountStore = ReturnType<typeof createAccountStore>;

/** Requirements with `due` currently (and eventually) due; disabled while any is. */
function requirements(due: ReadonlyArray<string>): StripeStubAccount['requirements'] {
  return {
    currently_due: [...due],
    eventually_due: [...due],
    past_due: [],
    pending_verification: [],
    disabled_reason: due.length > 0 ? DISABLED_DUE : null,
    current_deadline: null,
    errors: [],
  };
}

function setEnabled(account: StripeStubAccount, isEnabled: boolean): void {
  const status: StripeStubCapabilityStatus = isEnabled ? 'active' : 'inactive';
  for (const name of Object.keys(account.capabilities) as Array<
    keyof StripeStubAccount['capabilities']
  >) {
    account.capabilities[name] = status;
  }
  account.payouts_enabled = isEnabled;
  account.charges_enabled = isEnabled && account.capabilities.card_payments === 'active';
}

/**
 * The legacy type whose controller properties these are exactly, else `none`: Stripe's "type:
 * … Can be `standard`, `express`, `custom`, or `none`" (accounts/object#account_object-type). That
 * Stripe answers a legacy type for a matching controller is *unconfirmed*.
 */
function legacyTypeOf(controller: AccountController): StripeStubAccount['type'] {
  const match = (Object.keys(LEGACY_CONTROLLERS) as Array<keyof typeof LEGACY_CONTROLLERS>).find(
    (type) => JSON.stringify(LEGACY_CONTROLLERS[type]) === JSON.stringify(controller),
  );
  return match ?? 'none';
}
