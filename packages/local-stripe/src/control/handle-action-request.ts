import { StripeStubError, type StubResponse } from '../api/stripe-error';
import type { StripeStub, StripeStubAddress, StripeStubPromotionCode } from '../stripe-stub-types';
import { controlError, isRecord, parseJson } from './control-json';
import type { ControlRequest } from './create-control-handler';

type Body = Record<string, unknown>;

/** Runs one action with a parsed JSON body; a string return is a 400 message. */
type Action = (stub: StripeStub, body: Body) => unknown;

const REFUND_UPDATES = ['succeeded', 'failed', 'canceled'] as const;
const DISPUTE_UPDATES = [
  'warning_under_review',
  'warning_closed',
  'needs_response',
  'under_review',
  'won',
  'lost',
] as const;

/** `POST /__stub/actions/<name>`: each mirrors the stub's Node method of the same name. */
const ACTIONS: Record<string, Action> = {
  'pay-checkout-session': (stub, body) => ({
    events: stub.payCheckoutSession(id(body, 'sessionId'), {
      method: oneOf(body, 'method', ['card', 'delayed'] as const),
      promotionCode: promotionCode(body),
      taxRatePercent: optionalNumber(body, 'taxRatePercent'),
      address: address(body),
      country: optionalString(body, 'country'),
    }),
  }),
  'create-promotion-code': (stub, body) => {
    const spec = required(promotionCode({ promotionCode: body }), 'code');
    return stub.createPromotionCode({
      ...spec,
      currency: optionalString(body, 'currency'),
      active: optionalBoolean(body, 'active'),
      metadata: stringMap(body, 'metadata'),
    });
  },
  'settle-delayed-payment': (stub, body) => ({
    events: stub.settleDelayedPayment(
      id(body, 'sessionId'),
      required(oneOf(body, 'outcome', ['succeeded', 'failed'] as const), 'outcome'),
    ),
  }),
  'expire-checkout-session': (stub, body) => ({
    events: stub.expireCheckoutSession(id(body, 'sessionId')),
  }),
  'create-refund': (stub, body) =>
    stub.createRefund(id(body, 'paymentIntentId'), {
      amount: amount(body),
      status: oneOf(body, 'status', ['pending', 'succeeded'] as const),
    }),
  'update-refund': (stub, body) => ({
    events: stub.updateRefund(
      id(body, 'refundId'),
      required(oneOf(body, 'status', REFUND_UPDATES), 'status'),
    ),
  }),
  'open-dispute': (stub, body) =>
    stub.openDispute(id(body, 'paymentIntentId'), {
      amount: amount(body),
      inquiry: optionalBoolean(body, 'inquiry'),
    }),
  'complete-account-onboarding': (stub, body) => ({
    events: stub.completeAccountOnboarding(id(body, 'accountId'), {
      leaveDue: optionalBoolean(body, 'leaveDue'),
    }),
  }),
  'require-account-information': (stub, body) => ({
    events: stub.requireAccountInformation(id(body, 'accountId')),
  }),
  'pay-out-account': (stub, body) => stub.payOutAccount(id(body, 'accountId')),
  'update-dispute': (stub, body) => ({
    events: stub.updateDispute(
      id(body, 'disputeId'),
      required(oneOf(body, 'status', DISPUTE_UPDATES), 'status'),
    ),
  }),
};

/**
 * The control endpoints that play Stripe's side of a sale, for tests that reach the stub only over
 * HTTP. JSON in and out:
 * - `POST /__stub/actions/pay-checkout-session` `{ sessionId, method?, promotionCode?: { code,
 *   percentOff? | amountOff? }, taxRatePercent?, address?: { line1?, city?, postal_code?, country?, … },
 *   country? }` → `{ events }` (see `StripeStub.payCheckoutSession`)
 * - `POST /__stub/actions/create-promotion-code` `{ code, percentOff? | amountOff?, currency?,
 *   active?, metadata? }` → the promotion code (see `StripeStub.createPromotionCode`)
 * - `POST /__stub/actions/settle-delayed-payment` `{ sessionId, outcome }` → `{ events }`
 * - `POST /__stub/actions/expire-checkout-session` `{ sessionId }` → `{ events }`
 * - `POST /__stub/actions/create-refund` `{ paymentIntentId, amount?, status? }` → `{ refund, events }`
 * - `POST /__stub/actions/update-refund` `{ refundId, status }` → `{ events }`
 * - `POST /__stub/actions/open-dispute` `{ paymentIntentId, amount? }` → `{ dispute, events }`
 * - `POST /__stub/actions/update-dispute` `{ disputeId, status }` → `{ events }`
 * - `POST /__stub/actions/complete-account-onboarding` `{ accountId, leaveDue? }` → `{ events }`
 * - `POST /__stub/actions/require-account-information` `{ accountId }` → `{ events }`
 * - `POST /__stub/actions/pay-out-account` `{ accountId }` → `{ payouts, events }`
 * - `GET /__stub/accounts` → `{ data }` (every connected account, oldest first)
 * - `GET /__stub/transfers` → `{ data }` (every transfer, newest first)
 * - `GET /__stub/balance[?account=acct_…]` → the Balance (the platform's without `account`)
 * - `GET /__stub/events` → `{ data }` (every emitted event, oldest first)
 * - `POST /__stub/events/:id/delivered` → `{ id, delivered: true }`
 *
 * Answers undefined for any other path. Refusals answer `{ error: { message } }` with 400 (bad
 * input, a transition Stripe refuses) or 404 (unknown id).
 */
export function handleActionRequest(
  stub: StripeStub,
  { method, path, query, body }: ControlRequest,
): StubResponse | undefined {
  if (method === 'GET' && path === '/__stub/events') {
    return { status: 200, body: { data: stub.events } };
  }
  if (method === 'GET' && path === '/__stub/accounts') {
    return { status: 200, body: { data: stub.listAccounts() } };
  }
  if (method === 'GET' && path === '/__stub/transfers') {
    return { status: 200, body: { data: stub.listTransfers() } };
  }
  if (method === 'GET' && path === '/__stub/balance') {
    return { status: 200, body: stub.balanceOf(query.get('account') ?? undefined) };
  }
  const [, eventId] = /^\/__stub\/events\/([^/]+)\/delivered$/.exec(path) ?? [];
  if (method === 'POST' && eventId !== undefined) {
    return run(() => {
      stub.markEventDelivered(eventId);
      return { id: eventId, delivered: true };
    });
  }
  const [, name = ''] = /^\/__stub\/actions\/([a-z-]+)$/.exec(path) ?? [];
  const action = Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
  if (method !== 'POST' || action === undefined) return undefined;
  const parsed = parseJson(body);
  if (!isRecord(parsed)) return controlError(400, 'The body must be a JSON object.');
  return run(() => action(stub, parsed));
}

/** Bad input found while reading an action's body. */
class InvalidBody extends Error {}

function run(action: () => unknown): StubResponse {
  try {
    return { status: 200, body: action() };
  } catch (error) {
    if (error instanceof StripeStubError) return controlError(error.status, error.message);
    if (error instanceof InvalidBody) return controlError(400, error.message);
    throw error;
  }
}

function id(body: Body, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value === '') throw new InvalidBody(`\`${key}\` must be an id.`);
  return value;
}

function amount(body: Body): number | undefined {
  const value = body.amount;
  if (value === undefined || (Number.isSafeInteger(value) && Number(value) > 0)) {
    return value as number | undefined;
  }
  throw new InvalidBody('`amount` must be a positive integer (minor units).');
}

/** `promotionCode` as `{ code, percentOff?, amountOff? }`; the stub judges the values. */
function promotionCode(body: Body): StripeStubPromotionCode | undefined {
  const value = body.promotionCode;
  if (value === undefined) return undefined;
  if (!isRecord(value) || typeof value.code !== 'string') {
    throw new InvalidBody('`promotionCode` must be `{ code, percentOff? , amountOff? }`.');
  }
  return {
    code: value.code,
    percentOff: optionalNumber(value, 'percentOff', 'promotionCode.percentOff'),
    amountOff: optionalNumber(value, 'amountOff', 'promotionCode.amountOff'),
  };
}

const ADDRESS_FIELDS = ['line1', 'line2', 'city', 'state', 'postal_code', 'country'] as const;

/** `address` as an object of strings among Stripe's address fields. */
function address(body: Body): Partial<StripeStubAddress> | undefined {
  const value = body.address;
  if (value === undefined) return undefined;
  if (!isRecord(value)) throw new InvalidBody('`address` must be an object.');
  return Object.fromEntries(
    ADDRESS_FIELDS.flatMap((field) => {
      const entry = optionalString(value, field, `address.${field}`);
      return entry === undefined ? [] : [[field, entry]];
    }),
  );
}

/** `key` as an object of strings, e.g. `metadata`. */
function stringMap(body: Body, key: string): Record<string, string> | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (isRecord(value) && Object.values(value).every((item) => typeof item === 'string')) {
    return value as Record<string, string>;
  }
  throw new InvalidBody(`\`${key}\` must map keys to strings.`);
}

function optionalString(body: Body, key: string, name = key): string | undefined {
  const value = body[key];
  if (value === undefined || typeof value === 'string') return value;
  throw new InvalidBody(`\`${name}\` must be a string.`);
}

function optionalBoolean(body: Body, key: string): boolean | undefined {
  const value = body[key];
  if (value === undefined || typeof value === 'boolean') return value;
  throw new InvalidBody(`\`${key}\` must be true or false.`);
}

function optionalNumber(body: Body, key: string, name = key): number | undefined {
  const value = body[key];
  if (value === undefined || typeof value === 'number') return value;
  throw new InvalidBody(`\`${name}\` must be a number.`);
}

function oneOf<T extends string>(
  body: Body,
  key: string,
  allowed: ReadonlyArray<T>,
): T | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined)
    throw new InvalidBody(`\`${key}\` must be one of ${allowed.join(', ')}.`);
  return found;
}

function required<T>(value: T | undefined, key: string): T {
  if (value === undefined) throw new InvalidBody(`\`${key}\` is required.`);
  return value;
}
