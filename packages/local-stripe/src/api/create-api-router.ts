import { connectRoutes, refuseStripeAccount } from './connect-routes';
import { toStripeObject } from './create-checkout-session';
import type { StubState } from './create-stub-state';
import type { StripeStubCharge } from './money-types';
import type { Params } from './read-params';
import { refundRoutes } from './refund-routes';
import {
  type ApiRequest,
  answer,
  expands,
  fail,
  list,
  type Route,
  retrieve,
} from './route-helpers';
import { noSuch, type StripeFailure, type StubResponse, stripeError } from './stripe-error';

export type { ApiRequest } from './route-helpers';

/**
 * The stub's Stripe API: Customers, Checkout Sessions, PaymentIntents, Charges, Refunds, Disputes,
 * Coupons, Promotion Codes, Events and Connect (Accounts, Account Links, Balance, Balance
 * Transactions, Transfers and Reversals; a `Stripe-Account` header only where implemented), validated like Stripe for the parameters our code sends
 * (unknown parameters are refused). An unrecognized method and path answers Stripe's 404.
 */
export function createApiRouter(state: StubState): (request: ApiRequest) => StubResponse {
  const routes: Route[] = [
    {
      method: 'POST',
      path: /^\/v1\/customers$/,
      handle: ({ body }) => answer(state.customers.create(body), (customer) => customer),
    },
    ...retrieveAndUpdate('customers', 'customer', state.customers),
    {
      method: 'POST',
      path: /^\/v1\/checkout\/sessions$/,
      handle: ({ body }) => answer(state.createSession(body), toStripeObject),
    },
    {
      method: 'GET',
      path: /^\/v1\/checkout\/sessions\/([^/]+)$/,
      handle: ({ body }, id) => retrieveSession(id, body),
    },
    {
      method: 'POST',
      path: /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/,
      handle: ({ eventRequest }, id) =>
        answer(state.expireCheckoutSession(id, eventRequest), ({ session }) =>
          toStripeObject(session),
        ),
    },
    {
      method: 'POST',
      path: /^\/v1\/payment_intents$/,
      handle: ({ body }) => answer(state.money.createPaymentIntent(body), (intent) => intent),
    },
    {
      method: 'GET',
      path: /^\/v1\/payment_intents\/([^/]+)$/,
      handle: ({ body }, id) => retrievePaymentIntent(id, body),
    },
    {
      method: 'GET',
      path: /^\/v1\/charges\/([^/]+)$/,
      handle: ({ body }, id) =>
        retrieve(body, state.money.charge(id) ?? noSuch('charge', id), (charge) =>
          showCharge(charge, expands(body, 'balance_transaction')),
        ),
    },
    ...refundRoutes(state),
    {
      method: 'GET',
      path: /^\/v1\/disputes\/([^/]+)$/,
      handle: ({ body }, id) => retrieve(body, state.money.dispute(id) ?? noSuch('dispute', id)),
    },
    {
      method: 'POST',
      path: /^\/v1\/coupons$/,
      handle: ({ body }) => answer(state.coupons.create(body), (coupon) => coupon),
    },
    {
      method: 'GET',
      path: /^\/v1\/coupons\/([^/]+)$/,
      handle: ({ body }, id) => retrieve(body, state.coupons.find(id)),
    },
    {
      method: 'POST',
      path: /^\/v1\/promotion_codes$/,
      handle: ({ body }) => answer(state.promotionCodes.create(body), (code) => code),
    },
    {
      method: 'GET',
      path: /^\/v1\/promotion_codes$/,
      handle: ({ body }) =>
        answer(state.promotionCodes.list(body), (page) => list(page, '/v1/promotion_codes')),
    },
    ...retrieveAndUpdate('promotion_codes', 'promotion_code', state.promotionCodes),
    {
      method: 'GET',
      path: /^\/v1\/events$/,
      acceptsStripeAccount: true,
      handle({ body, stripeAccount }) {
        state.sweepExpiredSessions();
        return answer(state.events.list(body, stripeAccount), (page) => list(page, '/v1/events'));
      },
    },
    {
      method: 'GET',
      path: /^\/v1\/events\/([^/]+)$/,
      acceptsStripeAccount: true,
      handle({ body, stripeAccount }, id) {
        state.sweepExpiredSessions();
        return retrieve(body, state.events.retrieve(id, stripeAccount) ?? noSuch('event', id));
      },
    },
    ...connectRoutes(state),
  ];

  /** A charge, its `balance_transaction` expanded when asked. */
  function showCharge(charge: StripeStubCharge, isExpanded: boolean): unknown {
    const id = charge.balance_transaction;
    const transaction = isExpanded && id !== null ? state.ledger.transaction(id) : undefined;
    return transaction ? { ...charge, balance_transaction: transaction } : charge;
  }

  function retrieveSession(id: string, params: Params): StubResponse {
    const found = state.readSession(id) ?? noSuch('checkout.session', id, 'session');
    return retrieve(params, found, (session) => {
      const object = toStripeObject(session);
      const intentId = session.payment_intent;
      if (intentId !== null && expands(params, 'payment_intent')) {
        object.payment_intent = state.readPaymentIntent(intentId) ?? intentId;
      }
      return object;
    });
  }

  function retrievePaymentIntent(id: string, params: Params): StubResponse {
    const found = state.readPaymentIntent(id) ?? noSuch('payment_intent', id, 'intent');
    // `latest_charge.balance_transaction` expands the charge and, within it, its fee's record.
    const withFee = expands(params, 'latest_charge.balance_transaction');
    return retrieve(params, found, (intent) => {
      const charge = state.money.charge(String(intent.latest_charge));
      return (expands(params, 'latest_charge') || withFee) && charge
        ? { ...intent, latest_charge: showCharge(charge, withFee) }
        : intent;
    });
  }

  return function route(request) {
    for (const candidate of routes) {
      const match = request.method === candidate.method && candidate.path.exec(request.path);
      if (!match) continue;
      const { stripeAccount } = request;
      const refused =
        stripeAccount === undefined
          ? undefined
          : refuseStripeAccount(state, candidate, request.method, request.path, stripeAccount);
      if (refused) return fail(refused);
      return candidate.handle(request, match[1] ?? '');
    }
    return stripeError(404, {
      type: 'invalid_request_error',
      message: `Unrecognized request URL (${request.method}: ${request.path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    });
  };
}

/**
 * `GET /v1/<path>/:id` (a copy, or Stripe's 404 `resource_missing`) and `POST /v1/<path>/:id` (an
 * update, or its refusal) of one kind of object.
 */
function retrieveAndUpdate<T>(
  path: string,
  objectName: string,
  store: {
    retrieve: (id: string) => T | undefined;
    update: (id: string, params: Params) => T | StripeFailure;
  },
): Route[] {
  const byId = new RegExp(`^/v1/${path}/([^/]+)$`);
  return [
    {
      method: 'GET',
      path: byId,
      handle: ({ body }, id) => retrieve(body, store.retrieve(id) ?? noSuch(objectName, id)),
    },
    {
      method: 'POST',
      path: byId,
      handle: ({ body }, id) => answer(store.update(id, body), (updated) => updated),
    },
  ];
}
