import type { StripeStubEventRequest } from './event-store';
import { type Params, rejectUnknownParams } from './read-params';
import {
  isStripeFailure,
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
  /** The `Stripe-Account` header: the request acts as this connected account (`acct_…`). */
  stripeAccount?: string | undefined;
}

/** One endpoint of the stub's API. */
export interface Route {
  method: 'GET' | 'POST';
  path: RegExp;
  /** `id` is the path's first capture group ('' if it has none). */
  handle(request: ApiRequest, id: string): StubResponse;
  /** True when the route implements the `Stripe-Account` header; the others refuse it. */
  acceptsStripeAccount?: boolean;
}

/** A retrieve: only `expand` is accepted; answers a copy of the object, shaped by `show`. */
export function retrieve<T>(
  params: Params,
  found: T | StripeFailure,
  show: (value: T) => unknown = (value) => value,
): StubResponse {
  const refused = rejectUnknownParams(params, ['expand']);
  if (refused) return fail(refused);
  return answer(found, (value) => structuredClone(show(value)));
}

/** 200 with the outcome shaped by `show`, or the refusal with its status. */
export function answer<T>(outcome: T | StripeFailure, show: (value: T) => unknown): StubResponse {
  return isStripeFailure(outcome) ? fail(outcome) : { status: 200, body: show(outcome) };
}

export function fail({ status, error }: StripeFailure): StubResponse {
  return stripeError(status, error);
}

/** A page as Stripe's `{ object: 'list', data, has_more, url }`. */
export function list<T>(page: { data: T[]; has_more: boolean }, url: string): unknown {
  return { object: 'list', data: page.data, has_more: page.has_more, url };
}

/** True when `expand[]` names `field`. */
export function expands(params: Params, field: string): boolean {
  return Array.isArray(params.expand) && params.expand.includes(field);
}
