import { readMetadata } from './read-metadata';
import {
  oneOf,
  type Params,
  readBoolean,
  readObject,
  readParams,
  readString,
  rejectUnknownParams,
} from './read-params';
import { invalidRequest, isStripeFailure, missingParam, type StripeFailure } from './stripe-error';

/** Who the account's controller properties make responsible for what. */
export interface AccountController {
  feesPayer: 'account' | 'application';
  lossesPayments: 'application' | 'stripe';
  requirementCollection: 'application' | 'stripe';
  dashboard: 'express' | 'full' | 'none';
}

/** `POST /v1/accounts` read and checked. */
export interface AccountParams {
  controller: AccountController;
  /** The legacy account type the request named, if it used `type` instead of `controller`. */
  legacyType: 'custom' | 'express' | 'standard' | undefined;
  capabilities: Array<'card_payments' | 'transfers'>;
  country: string;
  email: string | null;
  businessName: string | null;
  metadata: Record<string, string>;
}

const ACCOUNT_PARAMS = [
  'business_profile',
  'capabilities',
  'controller',
  'country',
  'email',
  'expand',
  'metadata',
  'type',
];
const CAPABILITIES = ['card_payments', 'transfers'] as const;
const LEGACY_TYPES = ['custom', 'express', 'standard'] as const;

/**
 * What each legacy account type means in controller properties
 * (https://docs.stripe.com/connect/migrate-to-controller-properties: "Each account type maps to a
 * set of controller properties").
 */
export const LEGACY_CONTROLLERS: Record<(typeof LEGACY_TYPES)[number], AccountController> = {
  standard: {
    feesPayer: 'account',
    lossesPayments: 'stripe',
    requirementCollection: 'stripe',
    dashboard: 'full',
  },
  express: {
    feesPayer: 'application',
    lossesPayments: 'application',
    requirementCollection: 'stripe',
    dashboard: 'express',
  },
  custom: {
    feesPayer: 'application',
    lossesPayments: 'application',
    requirementCollection: 'application',
    dashboard: 'none',
  },
};

/**
 * `POST /v1/accounts` parameters (https://docs.stripe.com/api/accounts/create): the controller
 * properties with Stripe's defaults (fees `account`, losses `stripe`, requirement collection
 * `stripe`, dashboard `full`), refusing the combinations Stripe documents as invalid; or a legacy
 * `type`, never both.
 */
export function readAccountParams(params: Params): AccountParams | StripeFailure {
  const refused = rejectUnknownParams(params, ACCOUNT_PARAMS);
  if (refused) return refused;
  const read = readParams(params, {
    type: oneOf(LEGACY_TYPES),
    country: readString,
    email: readString,
    metadata: readMetadata,
    controller: readController,
    capabilities: readCapabilities,
    business_profile: readBusinessProfile,
  });
  if (isStripeFailure(read)) return read;
  const { type, controller, capabilities = [] } = read;
  // "The `type` parameter is deprecated. Use `controller` instead" (accounts/create#type): the
  // two describe the same thing, so Stripe takes one or the other. Wording unconfirmed.
  if (type !== undefined && controller !== undefined) {
    return invalidRequest(
      'You cannot specify both `type` and `controller`; describe the account with `controller` alone.',
      { param: 'type' },
    );
  }
  const chosen =
    type === undefined ? (controller ?? LEGACY_CONTROLLERS.standard) : LEGACY_CONTROLLERS[type];
  const invalid = refuseInvalidController(chosen, capabilities);
  if (invalid) return invalid;
  const country = (read.country ?? 'US').toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) {
    return invalidRequest(`Invalid country: ${read.country}`, { param: 'country' });
  }
  if (read.email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(read.email)) {
    return invalidRequest(`Invalid email address: ${read.email}`, { param: 'email' });
  }
  return {
    controller: chosen,
    legacyType: type,
    capabilities,
    country,
    email: read.email ?? null,
    businessName: read.business_profile ?? null,
    metadata: read.metadata?.metadata ?? {},
  };
}

/**
 * The controller combinations Stripe refuses: losses on the platform need the platform to pay the
 * fees (accounts/create#controller-fees-payer: "Setting `controller.losses.payments=application`
 * requires `controller.fees.payer=application`"); the platform collecting requirements needs it to
 * pay fees and losses and the account to have no Stripe dashboard (the Custom configuration,
 * migrate-to-controller-properties); an account without a dashboard needs its capabilities
 * requested (accounts/create#capabilities: "Required when stripe_dashboard.type is none").
 * Stripe's wording of these refusals is not documented: the stand-in's is its own.
 */
function refuseInvalidController(
  controller: AccountController,
  capabilities: ReadonlyArray<string>,
): StripeFailure | undefined {
  if (controller.lossesPayments === 'application' && controller.feesPayer !== 'application') {
    return invalidRequest(
      'Setting `controller[losses][payments]=application` requires `controller[fees][payer]=application`.',
      { param: 'controller[fees][payer]' },
    );
  }
  if (
    controller.requirementCollection === 'application' &&
    (controller.feesPayer !== 'application' ||
      controller.lossesPayments !== 'application' ||
      controller.dashboard !== 'none')
  ) {
    return invalidRequest(
      '`controller[requirement_collection]=application` requires `controller[fees][payer]=application`, `controller[losses][payments]=application` and `controller[stripe_dashboard][type]=none`.',
      { param: 'controller[requirement_collection]' },
    );
  }
  if (controller.dashboard === 'none' && capabilities.length === 0)
    return missingParam('capabilities');
  return undefined;
}

function readController(
  params: Params,
  name: string,
): AccountController | undefined | StripeFailure {
  const controller = readObject(params, name);
  if (controller === undefined || isStripeFailure(controller)) return controller;
  const refused = rejectUnknownParams(
    controller,
    ['fees', 'losses', 'requirement_collection', 'stripe_dashboard'],
    name,
  );
  if (refused) return refused;
  const fees = nested(controller, 'fees', 'payer', ['account', 'application'] as const);
  if (isStripeFailure(fees)) return fees;
  const losses = nested(controller, 'losses', 'payments', ['application', 'stripe'] as const);
  if (isStripeFailure(losses)) return losses;
  const dashboard = nested(controller, 'stripe_dashboard', 'type', [
    'express',
    'full',
    'none',
  ] as const);
  if (isStripeFailure(dashboard)) return dashboard;
  const collection = oneOf(['application', 'stripe'] as const)(
    controller,
    'requirement_collection',
  );
  if (isStripeFailure(collection)) {
    return {
      ...collection,
      error: { ...collection.error, param: `${name}[requirement_collection]` },
    };
  }
  return {
    feesPayer: fees ?? 'account',
    lossesPayments: losses ?? 'stripe',
    requirementCollection: collection ?? 'stripe',
    dashboard: dashboard ?? 'full',
  };
}

/** `controller[<object>][<key>]`, one of `values`. */
function nested<T extends string>(
  controller: Params,
  object: string,
  key: string,
  values: ReadonlyArray<T>,
): T | undefined | StripeFailure {
  const prefix = `controller[${object}]`;
  const found = readObject(controller, object);
  if (found === undefined || isStripeFailure(found)) return found;
  const refused = rejectUnknownParams(found, [key], prefix);
  if (refused) return refused;
  const value = readString(found, key);
  if (value === undefined || isStripeFailure(value)) return value;
  const known = values.find((candidate) => candidate === value);
  if (known !== undefined) return known;
  return invalidRequest(`Invalid ${prefix}[${key}]: must be one of ${values.join(', ')}`, {
    param: `${prefix}[${key}]`,
  });
}

/** `capabilities[<name>][requested]=true`: the capabilities requested. */
function readCapabilities(
  params: Params,
  name: string,
): Array<'card_payments' | 'transfers'> | undefined | StripeFailure {
  const capabilities = readObject(params, name);
  if (capabilities === undefined || isStripeFailure(capabilities)) return capabilities;
  const refused = rejectUnknownParams(capabilities, CAPABILITIES, name);
  if (refused) return refused;
  const requested: Array<'card_payments' | 'transfers'> = [];
  for (const capability of CAPABILITIES) {
    const prefix = `${name}[${capability}]`;
    const entry = readObject(capabilities, capability);
    if (isStripeFailure(entry)) return entry;
    if (entry === undefined) continue;
    const unknown = rejectUnknownParams(entry, ['requested'], prefix);
    if (unknown) return unknown;
    const isRequested = readBoolean(entry, 'requested');
    if (isStripeFailure(isRequested)) return isRequested;
    if (isRequested) requested.push(capability);
  }
  return requested;
}

/** `business_profile[name]` (the only field of it the stand-in keeps). */
function readBusinessProfile(params: Params, name: string): string | undefined | StripeFailure {
  const profile = readObject(params, name);
  if (profile === undefined || isStripeFailure(profile)) return profile;
  const refused = rejectUnknownParams(profile, ['name'], name);
  return refused ?? readString(profile, 'name');
}
