import type { StripeStubCheckoutSession } from '../api/checkout-session-types';
import { randomId } from '../api/random-id';
import type { StubResponse } from '../api/stripe-error';
import type {
  RecordedStripeRequest,
  StripeStub,
  StripeStubRule,
  StripeStubRuleResponse,
} from '../stripe-stub-types';
import { controlError, isRecord, parseJson } from './control-json';
import { handleActionRequest } from './handle-action-request';

/** A request to one of the stub's `/__stub/*` control endpoints. */
export interface ControlRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The raw request body (JSON where one is expected). */
  body: string;
}

/**
 * The HTTP face of a {@link StripeStub}, for tests that cannot share its memory (the Workers
 * runtime). JSON in and out, no auth:
 * - `GET /__stub/requests[?path=...&form.<flat key>=<value>]` → `{ data: RecordedStripeRequest[] }`
 * - `POST /__stub/rules` with a {@link StripeStubRule} (`match.pathPattern` for a regular expression) → `{ id }`
 * - `DELETE /__stub/rules/:id` → `{ id, deleted: true }`
 * - `GET /__stub/sessions/:id` → the session; `POST /__stub/sessions/:id` with a patch → the updated session
 * - `GET /__stub/customers` → `{ data }` (every Customer created, oldest first)
 * - `POST /__stub/reset` → `{ reset: true }` (every kind of state, events included)
 * - `/__stub/actions/*` and `/__stub/events`: Stripe's side of a sale, see `handleActionRequest`
 *
 * Failures answer `{ error: { message } }` with 400 (bad input) or 404 (unknown id or endpoint).
 */
export function createControlHandler(stub: StripeStub): (request: ControlRequest) => StubResponse {
  const ruleRemovers = new Map<string, () => void>();

  return function handleControlRequest(request) {
    const { method, path, query, body } = request;
    const action = handleActionRequest(stub, request);
    if (action) return action;
    if (method === 'GET' && path === '/__stub/customers') {
      return { status: 200, body: { data: stub.customers } };
    }
    if (method === 'GET' && path === '/__stub/requests') {
      return { status: 200, body: { data: filterRequests(stub.requests, query) } };
    }
    if (method === 'POST' && path === '/__stub/rules') {
      const parsed = parseRule(body);
      if (typeof parsed === 'string') return controlError(400, parsed);
      const id = randomId('rule_', 16);
      ruleRemovers.set(id, stub.addRule(parsed));
      return { status: 200, body: { id } };
    }
    if (method === 'POST' && path === '/__stub/reset') {
      stub.reset();
      ruleRemovers.clear();
      return { status: 200, body: { reset: true } };
    }
    const [, resource, id = ''] = /^\/__stub\/(rules|sessions)\/([^/]+)$/.exec(path) ?? [];
    if (resource === 'rules' && method === 'DELETE') {
      const remove = ruleRemovers.get(id);
      if (!remove) return controlError(404, `No such rule: '${id}'`);
      remove();
      ruleRemovers.delete(id);
      return { status: 200, body: { id, deleted: true } };
    }
    if (resource === 'sessions' && (method === 'GET' || method === 'POST')) {
      if (!stub.getSession(id)) return controlError(404, `No such checkout.session: '${id}'`);
      if (method === 'GET') return { status: 200, body: stub.getSession(id) };
      const patch = parseJson(body);
      if (!isRecord(patch))
        return controlError(400, 'The body must be a JSON object (a session patch).');
      return {
        status: 200,
        body: stub.updateSession(id, patch as Partial<StripeStubCheckoutSession>),
      };
    }
    return controlError(404, `Unknown Stripe stub control endpoint: ${method} ${path}`);
  };
}

function filterRequests(
  requests: ReadonlyArray<RecordedStripeRequest>,
  query: URLSearchParams,
): RecordedStripeRequest[] {
  const path = query.get('path');
  const form = [...query].flatMap(([key, value]) =>
    key.startsWith('form.') ? [[key.slice('form.'.length), value] as const] : [],
  );
  return requests.filter(
    (request) =>
      (path === null || request.path === path) &&
      form.every(([key, value]) => request.form[key] === value),
  );
}

/** The rule a control request describes, or why it is not one. */
function parseRule(text: string): StripeStubRule | string {
  const rule = parseJson(text);
  if (!isRecord(rule) || !isRecord(rule.match) || !isRecord(rule.respond)) {
    return 'A rule needs a `match` object and a `respond` object.';
  }
  const { method, path, pathPattern, form } = rule.match;
  const { respond, times } = rule;
  if (method !== undefined && typeof method !== 'string') return '`match.method` must be a string.';
  if (path !== undefined && typeof path !== 'string') return '`match.path` must be a string.';
  if (pathPattern !== undefined && typeof pathPattern !== 'string') {
    return '`match.pathPattern` must be a regular expression source string.';
  }
  if (form !== undefined && !(isRecord(form) && Object.values(form).every(isString))) {
    return '`match.form` must map flat form keys to strings.';
  }
  if (times !== undefined && !(Number.isInteger(times) && Number(times) >= 0)) {
    return '`times` must be a non-negative integer.';
  }
  let response: StripeStubRuleResponse;
  if (typeof respond.status === 'number') response = { status: respond.status, body: respond.body };
  else if (typeof respond.delayMs === 'number') response = { delayMs: respond.delayMs };
  else if (respond.hang === true) response = { hang: true };
  else return '`respond` must be `{ status, body? }`, `{ delayMs }` or `{ hang: true }`.';
  let pattern: RegExp | undefined;
  try {
    pattern = pathPattern === undefined ? undefined : new RegExp(pathPattern);
  } catch {
    return `\`match.pathPattern\` is not a valid regular expression: ${pathPattern}`;
  }
  return {
    match: { method, path: pattern ?? path, form: form as Record<string, string> | undefined },
    respond: response,
    times: times as number | undefined,
  };
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}
