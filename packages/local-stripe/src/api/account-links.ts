import { randomId } from './random-id';
import {
  oneOf,
  type Params,
  readObject,
  readParams,
  readString,
  rejectUnknownParams,
} from './read-params';
import { invalidRequest, isStripeFailure, missingParam, type StripeFailure } from './stripe-error';

/** Stripe's Account Link object (https://docs.stripe.com/api/account_links/object). */
export type StripeStubAccountLink = {
  object: 'account_link';
  created: number;
  expires_at: number;
  url: string;
};

/** A link as the stand-in keeps it, behind the token in its url. */
export interface StoredAccountLink {
  token: string;
  account: string;
  type: 'account_onboarding' | 'account_update';
  refreshUrl: string;
  returnUrl: string;
  expiresAt: number;
  /** `fresh` until opened; `opened` while its page is shown; `used` once a button was pressed. */
  state: 'fresh' | 'opened' | 'used';
}

/** Where a link's page goes: the page (with the link) or a redirect to Stripe's `refresh_url`. */
export type LinkVisit = { link: StoredAccountLink } | { redirectTo: string };

// "Account Links … expire a few minutes after creation" and are single use: "a user can only visit
// the url once; … expired or visited links redirect to refresh_url"
// (https://docs.stripe.com/connect/hosted-onboarding#refresh-url). The fixture shows `expires_at`
// set; 300 s is what Stripe answers (unconfirmed in the docs).
const LINK_LIFETIME_SECONDS = 300;
const LINK_PARAMS = [
  'account',
  'collection_options',
  'expand',
  'refresh_url',
  'return_url',
  'type',
];
const LINK_TYPES = ['account_onboarding', 'account_update'] as const;

/**
 * Account Links: `POST /v1/account_links` (https://docs.stripe.com/api/account_links/create) and
 * the single-use, expiring url of the stand-in's hosted onboarding page. Pure state; never throws.
 */
export function createAccountLinks(
  nowSeconds: () => number,
  options: {
    /** True when the connected account exists. */
    hasAccount: (id: string) => boolean;
    /** The page a link's url names, given its token. */
    onboardingUrl: (token: string) => string;
  },
) {
  const links = new Map<string, StoredAccountLink>();

  function isLive(link: StoredAccountLink): boolean {
    return nowSeconds() <= link.expiresAt;
  }

  return {
    create(params: Params): StripeStubAccountLink | StripeFailure {
      const refused = rejectUnknownParams(params, LINK_PARAMS);
      if (refused) return refused;
      const read = readParams(params, {
        account: readString,
        refresh_url: readString,
        return_url: readString,
        type: oneOf(LINK_TYPES),
        collection_options: readCollectionOptions,
      });
      if (isStripeFailure(read)) return read;
      if (read.account === undefined) return missingParam('account');
      if (read.type === undefined) return missingParam('type');
      for (const param of ['refresh_url', 'return_url'] as const) {
        const url = read[param];
        if (url === undefined) return missingParam(param);
        if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
          return invalidRequest('Not a valid URL', { param, code: 'url_invalid' });
        }
      }
      if (!options.hasAccount(read.account)) {
        return invalidRequest(`No such account: '${read.account}'`, {
          code: 'resource_missing',
          param: 'account',
        });
      }
      const created = nowSeconds();
      const link: StoredAccountLink = {
        token: randomId('', 32),
        account: read.account,
        type: read.type,
        refreshUrl: String(read.refresh_url),
        returnUrl: String(read.return_url),
        expiresAt: created + LINK_LIFETIME_SECONDS,
        state: 'fresh',
      };
      links.set(link.token, link);
      return {
        object: 'account_link',
        created,
        expires_at: link.expiresAt,
        url: options.onboardingUrl(link.token),
      };
    },

    /** Opening the link's page: the first visit while live shows it, any later one redirects. */
    open(token: string): LinkVisit | undefined {
      const link = links.get(token);
      if (!link) return undefined;
      if (link.state !== 'fresh' || !isLive(link)) return { redirectTo: link.refreshUrl };
      link.state = 'opened';
      return { link };
    },

    /** A button on the opened page: once only; otherwise a redirect to `refresh_url`. */
    submit(token: string): LinkVisit | undefined {
      const link = links.get(token);
      if (!link) return undefined;
      if (link.state !== 'opened') return { redirectTo: link.refreshUrl };
      link.state = 'used';
      return { link };
    },

    reset: () => links.clear(),
  };
}

/** The link store; see {@link createAccountLinks}. */
export type AccountLinks = ReturnType<typeof createAccountLinks>;

function readCollectionOptions(params: Params, name: string): Params | undefined | StripeFailure {
  const options = readObject(params, name);
  if (options === undefined || isStripeFailure(options)) return options;
  const refused = rejectUnknownParams(options, ['fields', 'future_requirements'], name);
  if (refused) return refused;
  const fields = readParams(options, {
    fields: oneOf(['currently_due', 'eventually_due'] as const),
    future_requirements: oneOf(['include', 'omit'] as const),
  });
  if (!isStripeFailure(fields)) return options;
  const param = `${name}[${fields.error.param}]`;
  return { ...fields, error: { ...fields.error, param } };
}
