import type { StubState } from './create-stub-state';
import { paginate, readListRequest } from './list-params';
import type { RefundRequest, StripeStubRefund } from './money-types';
import { readMetadata } from './read-metadata';
import {
  integerAtLeast,
  oneOf,
  type Params,
  readParams,
  readString,
  rejectUnknownParams,
} from './read-params';
import { type ApiRequest, answer, fail, list, type Route, retrieve } from './route-helpers';
import {
  invalidRequest,
  isStripeFailure,
  noSuch,
  type StripeFailure,
  type StubResponse,
} from './stripe-error';

const REFUND_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;

/**
 * `POST /v1/refunds`, `GET /v1/refunds` and `GET /v1/refunds/:id`
 * (https://docs.stripe.com/api/refunds): exactly one of `payment_intent` and `charge`, each
 * existing (`resource_missing`, naming the parameter); `amount` at least 1; `metadata` within
 * Stripe's limits; `reason` one of Stripe's three. What can be refunded is `createRefund`'s rule.
 */
export function refundRoutes(state: StubState): Route[] {
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
    const request = readListRequest(params, { charge: readString, payment_intent: readString });
    if (isStripeFailure(request)) return fail(request);
    const { pagination, created } = request;
    const { charge, payment_intent: paymentIntent } = request.filters;
    const matches = (refund: StripeStubRefund) =>
      created(refund.created) &&
      (charge === undefined || refund.charge === charge) &&
      (paymentIntent === undefined || refund.payment_intent === paymentIntent);
    const page = paginate(state.money.refundsNewestFirst(), matches, pagination, 'refund');
    return answer(page, (found) => list(found, '/v1/refunds'));
  }

  return [
    { method: 'POST', path: /^\/v1\/refunds$/, handle: createRefund },
    { method: 'GET', path: /^\/v1\/refunds$/, handle: ({ body }) => listRefunds(body) },
    {
      method: 'GET',
      path: /^\/v1\/refunds\/([^/]+)$/,
      handle: ({ body }, id) => retrieve(body, state.money.refund(id) ?? noSuch('refund', id)),
    },
  ];
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
  const read = readParams(body, {
    payment_intent: readString,
    charge: readString,
    amount: integerAtLeast(1),
    metadata: readMetadata,
    reason: oneOf(REFUND_REASONS),
  });
  if (isStripeFailure(read)) return read;
  const { payment_intent: paymentIntentId, charge: chargeId, amount, metadata, reason } = read;
  if ((paymentIntentId === undefined) === (chargeId === undefined)) {
    return invalidRequest('You must pass exactly one of these parameters: charge, payment_intent.');
  }
  return {
    paymentIntentId,
    chargeId,
    amount,
    metadata: metadata?.metadata,
    reason,
    status: 'succeeded',
  };
}

/** An id in a request body that names nothing: Stripe answers 400, naming the parameter. */
function missingReference(param: string, id: string): StripeFailure {
  return invalidRequest(`No such ${param}: '${id}'`, { code: 'resource_missing', param });
}
