import { toStripeObject } from './create-checkout-session';
import type { StubState } from './create-stub-state';
import type { StripeStubEventRequest } from './event-store';
import { paginate, parseListParams } from './list-params';
import type { RefundRequest, StripeStubRefund } from './money-types';
import {
  type Params,
  readCreatedFilter,
  readInteger,
  readString,
  readStringMap,
  rejectUnknownParams,
} from './read-params';
import {
  invalidRequest,
  isStripeFailure,
  noSuch,
  type StripeFailure,
  type StubResponse,
  stripeError,
} from './stripe-error';

/** What a route reads from a Stripe API request. */
export interface ApiRequest {
  method: string;
  /** Without the query string. */
  path: string;
  /** Flat form keys (the body, or the query for GET). */
  form: Record<string, string>;
  /** The same nested, as `parseForm` reads it. */
  body: Params;
  /** Set on the events this request causes, as Stripe does. */
  eventRequest: StripeStubEventRequest;
}

interface Route {
  method: 'GET' | 'POST';
  path: RegExp;
  /** `id` is the path's first capture group ('' if it has none). */
  handle(request: ApiRequest, id: string): StubResponse;
}

const REFUND_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;

/**
 * The stub's Stripe API: Customers, Checkout Sessions, PaymentIntents, Charges, Refunds, Disputes and Events,
 * validated like Stripe for the parameters our code sends (unknown parameters are refused). An
 * unrecognized method and path answers Stripe's 404.
 */
export function createApiRouter(state: StubState): (request: ApiRequest) => StubResponse {
  const routes: Route[] = [
    {
      method: 'POST',
      path: /^\/v1\/customers$/,
      handle: ({ body }) => answer(state.customers.create(body), (customer) => customer),
    },
    {
      method: 'GET',
      path: /^\/v1\/customers\/([^/]+)$/,
      handle: ({ body }, id) =>
        retrieve(body, state.customers.retrieve(id) ?? noSuch('customer', id)),
    },
    {
      method: 'POST',
      path: /^\/v1\/customers\/([^/]+)$/,
      handle: ({ body }, id) => answer(state.customers.update(id, body), (customer) => customer),
    },
    {
      method: 'POST',
      path: /^\/v1\/checkout\/sessions$/,
      handle: ({ form }) => answer(state.createSession(form), toStripeObject),
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
      method: 'GET',
      path: /^\/v1\/payment_intents\/([^/]+)$/,
      handle: ({ body }, id) => retrievePaymentIntent(id, body),
    },
    {
      method: 'GET',
      path: /^\/v1\/charges\/([^/]+)$/,
      handle: ({ body }, id) => retrieve(body, state.money.charge(id) ?? noSuch('charge', id)),
    },
    { method: 'POST', path: /^\/v1\/refunds$/, handle: createRefund },
    { method: 'GET', path: /^\/v1\/refunds$/, handle: ({ body }) => listRefunds(body) },
    {
      method: 'GET',
      path: /^\/v1\/refunds\/([^/]+)$/,
      handle: ({ body }, id) => retrieve(body, state.money.refund(id) ?? noSuch('refund', id)),
    },
    {
      method: 'GET',
      path: /^\/v1\/disputes\/([^/]+)$/,
      handle: ({ body }, id) => retrieve(body, state.money.dispute(id) ?? noSuch('dispute', id)),
    },
    {
      method: 'GET',
      path: /^\/v1\/events$/,
      handle({ body }) {
        state.sweepExpiredSessions();
        return answer(state.events.list(body), (page) => list(page, '/v1/events'));
      },
    },
    {
      method: 'GET',
      path: /^\/v1\/events\/([^/]+)$/,
      handle({ body }, id) {
        state.sweepExpiredSessions();
        return retrieve(body, state.events.retrieve(id) ?? noSuch('event', id));
      },
    },
  ];

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
    return retrieve(params, found, (intent) => {
      const charge = state.money.charge(String(intent.latest_charge));
      return expands(params, 'latest_charge') && charge
        ? { ...intent, latest_charge: charge }
        : intent;
    });
  }

  function createRefund({ body, eventRequest }: ApiRequest): StubResponse {
    const refund = readRefundParams(body);
    if (isStripeFailure(refund)) return fail(refund);
    const { paymentIntentId, chargeId } = refund;
    if (paymentIntentId !== undefined && !state.money.paymentIntent(paymentIntentId)) {
      return fail(missingReference('payment_intent', paymentIntentId));
    }
    if (chargeId !== undefined && !state.money.charge(chargeId)) {
      return fail(missingReference('charge', chargeId));
    }
    return answer(state.createRefund(refund, eventRequest), ({ value }) => value);
  }

  function listRefunds(params: Params): StubResponse {
    const refused = rejectUnknownParams(params, [
      'charge',
      'created',
      'ending_before',
      'expand',
      'limit',
      'payment_intent',
      'starting_after',
    ]);
    if (refused) return fail(refused);
    const pagination = parseListParams(params);
    if (isStripeFailure(pagination)) return fail(pagination);
    const created = readCreatedFilter(params);
    if (isStripeFailure(created)) return fail(created);
    const charge = readString(params, 'charge');
    if (isStripeFailure(charge)) return fail(charge);
    const paymentIntent = readString(params, 'payment_intent');
    if (isStripeFailure(paymentIntent)) return fail(paymentIntent);
    const matches = (refund: StripeStubRefund) =>
      created(refund.created) &&
      (charge === undefined || refund.charge === charge) &&
      (paymentIntent === undefined || refund.payment_intent === paymentIntent);
    const page = paginate(state.money.refundsNewestFirst(), matches, pagination, 'refund');
    return answer(page, (found) => list(found, '/v1/refunds'));
  }

  return function route(request) {
    for (const candidate of routes) {
      const match = request.method === candidate.method && candidate.path.exec(request.path);
      if (match) return candidate.handle(request, match[1] ?? '');
    }
    return stripeError(404, {
      type: 'invalid_request_error',
      message: `Unrecognized request URL (${request.method}: ${request.path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    });
  };
}

/** `POST /v1/refunds` parameters: exactly one of `payment_intent` and `charge`, as on Stripe. */
function readRefundParams(body: Params): RefundRequest | StripeFailure {
  const refused = rejectUnknownParams(body, [
    'amount',
    'charge',
    'expand',
    'metadata',
    'payment_intent',
    'reason',
  ]);
  if (refused) return refused;
  const paymentIntentId = readString(body, 'payment_intent');
  if (isStripeFailure(paymentIntentId)) return paymentIntentId;
  const chargeId = readString(body, 'charge');
  if (isStripeFailure(chargeId)) return chargeId;
  if ((paymentIntentId === undefined) === (chargeId === undefined)) {
    return invalidRequest('You must pass exactly one of these parameters: charge, payment_intent.');
  }
  const amount = readInteger(body, 'amount', 1);
  if (isStripeFailure(amount)) return amount;
  const metadata = readStringMap(body, 'metadata');
  if (isStripeFailure(metadata)) return metadata;
  const reason = readString(body, 'reason');
  if (isStripeFailure(reason)) return reason;
  if (!isRefundReason(reason)) {
    return invalidRequest(`Invalid reason: must be one of ${REFUND_REASONS.join(', ')}`, {
      param: 'reason',
    });
  }
  return { paymentIntentId, chargeId, amount, metadata, reason, status: 'succeeded' };
}

/** A retrieve: only `expand` is accepted; answers a copy of the object, shaped by `show`. */
function retrieve<T>(
  params: Params,
  found: T | StripeFailure,
  show: (value: T) => unknown = (value) => value,
): StubResponse {
  const refused = rejectUnknownParams(params, ['expand']);
  if (refused) return fail(refused);
  return answer(found, (value) => structuredClone(show(value)));
}

function answer<T>(outcome: T | StripeFailure, show: (value: T) => unknown): StubResponse {
  return isStripeFailure(outcome) ? fail(outcome) : { status: 200, body: show(outcome) };
}

function fail({ status, error }: StripeFailure): StubResponse {
  return stripeError(status, error);
}

function list<T>(page: { data: T[]; has_more: boolean }, url: string): unknown {
  return { object: 'list', data: page.data, has_more: page.has_more, url };
}

function expands(params: Params, field: string): boolean {
  return Array.isArray(params.expand) && params.expand.includes(field);
}

/** An id in a request body that names nothing: Stripe answers 400, naming the parameter. */
function missingReference(param: string, id: string): StripeFailure {
  return invalidRequest(`No such ${param}: '${id}'`, { code: 'resource_missing', param });
}

function isRefundReason(value: unknown): value is (typeof REFUND_REASONS)[number] | undefined {
  return value === undefined || REFUND_REASONS.some((reason) => reason === value);
}
