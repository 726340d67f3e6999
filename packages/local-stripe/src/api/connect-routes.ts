import type { StubState } from './create-stub-state';
import { rejectUnknownParams } from './read-params';
import { answer, fail, list, type Route, retrieve } from './route-helpers';
import { invalidRequest, noSuch, type StripeFailure, type StubResponse } from './stripe-error';

/**
 * Stripe Connect for separate charges and transfers: Accounts, Account Links, the Balance and its
 * Balance Transactions (the platform's, or a connected account's with its `Stripe-Account`
 * header), Transfers and their Reversals. The rules are in the stores; see the README's table.
 */
export function connectRoutes(state: StubState): Route[] {
  return [
    {
      method: 'POST',
      path: /^\/v1\/accounts$/,
      handle: ({ body }) => answer(state.accounts.create(body), (account) => account),
    },
    {
      method: 'GET',
      path: /^\/v1\/accounts\/([^/]+)$/,
      handle: ({ body }, id) =>
        retrieve(body, state.accounts.retrieve(id) ?? noSuch('account', id, 'account')),
    },
    {
      method: 'POST',
      path: /^\/v1\/account_links$/,
      handle: ({ body }) => answer(state.accountLinks.create(body), (link) => link),
    },
    {
      method: 'GET',
      path: /^\/v1\/balance$/,
      acceptsStripeAccount: true,
      handle({ body, stripeAccount }): StubResponse {
        const refused = rejectUnknownParams(body, ['expand']);
        if (refused) return fail(refused);
        return { status: 200, body: state.ledger.balance(stripeAccount) };
      },
    },
    {
      method: 'GET',
      path: /^\/v1\/balance_transactions\/([^/]+)$/,
      acceptsStripeAccount: true,
      handle: ({ body, stripeAccount }, id) =>
        retrieve(
          body,
          state.ledger.transaction(id, stripeAccount) ?? noSuch('balance_transaction', id),
        ),
    },
    {
      method: 'POST',
      path: /^\/v1\/transfers$/,
      handle: ({ body, eventRequest }) =>
        answer(state.createTransfer(body, eventRequest), ({ value }) => value),
    },
    {
      method: 'GET',
      path: /^\/v1\/transfers$/,
      handle: ({ body }) =>
        answer(state.transfers.list(body), (page) => list(page, '/v1/transfers')),
    },
    {
      method: 'GET',
      path: /^\/v1\/transfers\/([^/]+)$/,
      handle: ({ body }, id) => retrieve(body, state.transfers.find(id) ?? noSuch('transfer', id)),
    },
    {
      method: 'POST',
      path: /^\/v1\/transfers\/([^/]+)\/reversals$/,
      handle: ({ body, eventRequest }, id) =>
        answer(state.reverseTransfer(id, body, eventRequest), ({ value }) => value),
    },
    {
      method: 'GET',
      path: /^\/v1\/transfers\/([^/]+)\/reversals$/,
      handle: ({ body }, id) =>
        answer(state.transfers.listReversals(id, body), (page) =>
          list(page, `/v1/transfers/${id}/reversals`),
        ),
    },
  ];
}

/**
 * Why a request with a `Stripe-Account` header is refused, or undefined to serve it: an account
 * the platform does not have is Stripe's `account_invalid` (https://docs.stripe.com/error-codes#account-invalid;
 * the status 403 is unconfirmed); a route the stand-in does not implement the header on is refused
 * with a plain 400 saying so (the stand-in's own limit, not Stripe's).
 */
export function refuseStripeAccount(
  state: StubState,
  route: Route,
  method: string,
  path: string,
  stripeAccount: string,
): StripeFailure | undefined {
  if (!state.accounts.find(stripeAccount)) {
    return invalidRequest(
      `The provided key does not have access to account '${stripeAccount}' (or that account does not exist). Application access may have been revoked.`,
      { status: 403, code: 'account_invalid' },
    );
  }
  if (route.acceptsStripeAccount) return undefined;
  return invalidRequest(
    `The local Stripe stand-in does not implement the Stripe-Account header on ${method} ${path}: only on GET /v1/balance, GET /v1/balance_transactions/:id, GET /v1/events and GET /v1/events/:id.`,
  );
}
