import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { createCheckoutSession, type StripeStubCheckoutSession } from './create-checkout-session';
import { createControlHandler } from './create-control-handler';
import { parseForm } from './parse-form';
import { randomId } from './random-id';
import { type StubResponse, stripeError } from './stripe-error';

export interface StartStripeStubOptions {
  /** Default 0: the OS picks a free port. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
}

/** One authenticated Stripe API request as the stub received it. */
export interface RecordedStripeRequest {
  /** E.g. `POST`. */
  method: string;
  /** Without the query string, e.g. `/v1/checkout/sessions`. */
  path: string;
  /** The `Idempotency-Key` header (the SDK sends one on every POST). */
  idempotencyKey: string | undefined;
  /** The form-encoded body (for GET and DELETE: the query) as flat keys, e.g. `metadata[purchaseId]`. */
  form: Record<string, string>;
  /** The same parsed into nested objects; `line_items[0][...]` becomes an array. */
  body: Record<string, unknown>;
  /** ISO timestamp. */
  receivedAt: string;
  /** True when the answer was replayed from the idempotency store. */
  replayed: boolean;
}

/** What a rule does instead of the normal answer. */
export type StripeStubRuleResponse =
  /** Answers with this status and JSON body; with status >= 400 and no body, a Stripe `api_error`. */
  | { status: number; body?: unknown }
  /** Waits, then answers normally. */
  | { delayMs: number }
  /** Never answers; the connection stays open until the client gives up or the stub closes. */
  | { hang: true };

/** Changes the stub's answer to the Stripe API requests it matches. */
export interface StripeStubRule {
  /** Every given condition must hold: method, exact path or pattern, and each flat form key's value. */
  match: { method?: string; path?: string | RegExp; form?: Record<string, string> };
  respond: StripeStubRuleResponse;
  /** How many matching requests the rule applies to. Default: unlimited. */
  times?: number;
}

/** A running stand-in for the Stripe HTTP API; see {@link startStripeStub}. */
export interface StripeStub {
  /** E.g. `http://127.0.0.1:49152`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly protocol: 'http';
  /** Every authenticated Stripe API request received (not control requests), oldest first. */
  readonly requests: ReadonlyArray<RecordedStripeRequest>;
  /** Adds a rule, checked after the API key and before normal handling (idempotency included); the first matching rule with uses left applies. Returns its remover. */
  addRule(rule: StripeStubRule): () => void;
  /** A stored Checkout Session by id; an open session past `expires_at` reads as expired, as on Stripe. */
  getSession(id: string): StripeStubCheckoutSession | undefined;
  /**
   * Changes a stored session, e.g. `{ status: 'complete', payment_status: 'paid', payment_intent: 'pi_1' }`.
   * A session that is no longer open loses its `url` unless the patch sets one. Throws if `id` is unknown.
   */
  updateSession(id: string, patch: Partial<StripeStubCheckoutSession>): StripeStubCheckoutSession;
  /** Forgets requests, rules, sessions and idempotency records. */
  reset(): void;
  /** Stops listening and drops every connection, hanging ones included. Safe to call twice. */
  close(): Promise<void>;
}

interface ActiveRule {
  rule: StripeStubRule;
  remaining: number;
}

interface IdempotencyRecord {
  fingerprint: string;
  response: StubResponse;
}

const API_KEY = /^Bearer (sk|rk)_test_\w+$/;
const SESSION_PATH = /^\/v1\/checkout\/sessions\/([^/]+)(\/expire)?$/;
const PAYMENT_INTENT_PATH = /^\/v1\/payment_intents\/([^/]+)$/;

/**
 * Starts a local Stripe stand-in on node:http for the real `stripe` SDK to talk to:
 * `new Stripe('sk_test_...', { host: stub.host, port: stub.port, protocol: 'http', httpClient:
 * Stripe.createFetchHttpClient() })`. It serves Checkout Session create, retrieve and expire with
 * Stripe's validation, errors and idempotency, and `/__stub/*` control endpoints for tests that can
 * only reach it over HTTP (see `createControlHandler`). Rejects if the port cannot be bound.
 */
export async function startStripeStub(options: StartStripeStubOptions = {}): Promise<StripeStub> {
  const host = options.host ?? '127.0.0.1';
  let requests: RecordedStripeRequest[] = [];
  let rules: ActiveRule[] = [];
  const sessions = new Map<string, StripeStubCheckoutSession>();
  const idempotency = new Map<string, IdempotencyRecord>();

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://stub');
    const method = request.method ?? 'GET';
    readBody(request)
      .then((body) =>
        url.pathname.startsWith('/__stub/')
          ? handleControlRequest({ method, path: url.pathname, query: url.searchParams, body })
          : answerStripeRequest(method, url, request.headers, body),
      )
      .then((answer) => answer && send(response, answer))
      .catch((error: unknown) => {
        send(response, stripeError(500, { type: 'api_error', message: `Stripe stub: ${error}` }));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('startStripeStub: the server has no TCP address');
  }
  const port = address.port;
  let closing: Promise<void> | undefined;

  /** The answer to a Stripe API request, or undefined to never answer. */
  async function answerStripeRequest(
    method: string,
    url: URL,
    headers: IncomingHttpHeaders,
    rawBody: string,
  ): Promise<StubResponse | undefined> {
    if (!API_KEY.test(headers.authorization ?? '')) {
      return stripeError(401, {
        type: 'invalid_request_error',
        message: 'Invalid API Key provided',
      });
    }
    const key = headers['idempotency-key'];
    const record: RecordedStripeRequest = {
      method,
      path: url.pathname,
      idempotencyKey: Array.isArray(key) ? key[0] : key,
      ...parseForm(method === 'GET' || method === 'DELETE' ? url.search : rawBody),
      receivedAt: new Date().toISOString(),
      replayed: false,
    };
    requests.push(record);
    const respond = takeRule(record);
    if (respond && 'hang' in respond) return undefined;
    if (respond && 'delayMs' in respond) await sleep(respond.delayMs, undefined, { ref: false });
    else if (respond) return ruleResponse(respond);
    return answerIdempotently(record);
  }

  function takeRule(request: RecordedStripeRequest): StripeStubRuleResponse | undefined {
    const active = rules.find(({ rule, remaining }) => remaining > 0 && matches(rule, request));
    if (!active) return undefined;
    active.remaining -= 1;
    return active.rule.respond;
  }

  function answerIdempotently(request: RecordedStripeRequest): StubResponse {
    const key = request.idempotencyKey;
    // Stripe applies idempotency to POST only; GET and DELETE are idempotent anyway.
    if (request.method !== 'POST' || key === undefined) return route(request);
    const form = Object.entries(request.form).sort(([a], [b]) => a.localeCompare(b));
    const fingerprint = JSON.stringify([request.method, request.path, form]);
    const stored = idempotency.get(key);
    if (stored && stored.fingerprint !== fingerprint) {
      return stripeError(400, {
        type: 'idempotency_error',
        message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
      });
    }
    if (stored) {
      request.replayed = true;
      return { ...stored.response, headers: { 'Idempotent-Replayed': 'true' } };
    }
    const response = route(request);
    // Stripe saves a result only once the endpoint ran: failed validation may be retried with the key.
    if (response.status < 400) idempotency.set(key, { fingerprint, response });
    return response;
  }

  function route({ method, path, form }: RecordedStripeRequest): StubResponse {
    if (method === 'POST' && path === '/v1/checkout/sessions') {
      const result = createCheckoutSession(form, Math.floor(Date.now() / 1000));
      if ('error' in result) return stripeError(400, result.error);
      sessions.set(result.session.id, result.session);
      return { status: 200, body: toStripeObject(result.session) };
    }
    const [, paymentIntentId] = PAYMENT_INTENT_PATH.exec(path) ?? [];
    if (method === 'GET' && paymentIntentId !== undefined)
      return retrievePaymentIntent(paymentIntentId);
    const [, id, expire] = SESSION_PATH.exec(path) ?? [];
    const isRetrieve = method === 'GET' && expire === undefined;
    const isExpire = method === 'POST' && expire !== undefined;
    if (id === undefined || !(isRetrieve || isExpire)) {
      return stripeError(404, {
        type: 'invalid_request_error',
        message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
      });
    }
    const session = readSession(id);
    if (!session) {
      return stripeError(404, {
        type: 'invalid_request_error',
        code: 'resource_missing',
        message: `No such checkout.session: '${id}'`,
        param: 'session',
      });
    }
    if (isRetrieve) return { status: 200, body: toStripeObject(session) };
    if (session.status !== 'open') {
      return stripeError(400, {
        type: 'invalid_request_error',
        message: `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".`,
      });
    }
    return { status: 200, body: toStripeObject(stub.updateSession(id, { status: 'expired' })) };
  }

  /**
   * A PaymentIntent exists once a session was paid with it (`updateSession(id, { payment_intent })`);
   * it carries the `payment_intent_data[metadata]` checkout sent, as on Stripe.
   */
  function retrievePaymentIntent(id: string): StubResponse {
    const session = [...sessions.values()].find((candidate) => candidate.payment_intent === id);
    if (!session) {
      return stripeError(404, {
        type: 'invalid_request_error',
        code: 'resource_missing',
        message: `No such payment_intent: '${id}'`,
        param: 'intent',
      });
    }
    return {
      status: 200,
      body: {
        id,
        object: 'payment_intent',
        amount: session.amount_total,
        currency: session.currency,
        status: session.payment_status === 'paid' ? 'succeeded' : 'processing',
        metadata: session.payment_intent_data.metadata,
        livemode: false,
      },
    };
  }

  function readSession(id: string): StripeStubCheckoutSession | undefined {
    const session = sessions.get(id);
    if (session?.status !== 'open' || session.expires_at > Date.now() / 1000) return session;
    const expired = { ...session, status: 'expired' as const, url: null };
    sessions.set(id, expired);
    return expired;
  }

  const stub: StripeStub = {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    host,
    port,
    protocol: 'http',
    get requests() {
      return requests;
    },
    addRule(rule) {
      const active: ActiveRule = { rule, remaining: rule.times ?? Number.POSITIVE_INFINITY };
      rules.push(active);
      return () => {
        rules = rules.filter((candidate) => candidate !== active);
      };
    },
    getSession: readSession,
    updateSession(id, patch) {
      const session = readSession(id);
      if (!session) throw new Error(`Stripe stub: no checkout session '${id}'`);
      const updated = { ...session, ...patch, id };
      if (updated.status !== 'open' && !('url' in patch)) updated.url = null;
      sessions.set(id, updated);
      return updated;
    },
    reset() {
      requests = [];
      rules = [];
      sessions.clear();
      idempotency.clear();
    },
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
  const handleControlRequest = createControlHandler(stub);
  return stub;
}

function matches({ match }: StripeStubRule, request: RecordedStripeRequest): boolean {
  const { method, path, form = {} } = match;
  if (method !== undefined && method.toUpperCase() !== request.method) return false;
  if (typeof path === 'string' && path !== request.path) return false;
  // `search` ignores `lastIndex`, so a pattern with the g flag matches every time.
  if (path instanceof RegExp && request.path.search(path) === -1) return false;
  return Object.entries(form).every(([key, value]) => request.form[key] === value);
}

function ruleResponse({ status, body }: { status: number; body?: unknown }): StubResponse {
  if (body !== undefined) return { status, body };
  if (status < 400) return { status, body: {} };
  return stripeError(status, {
    type: 'api_error',
    message: `Simulated failure: a Stripe stub rule answered ${status}.`,
  });
}

/** The session as Stripe's API returns it, without the stub-only fields. */
function toStripeObject(session: StripeStubCheckoutSession): Record<string, unknown> {
  const { payment_intent_data: _stubOnly, ...object } = session;
  return object;
}

async function readBody(request: AsyncIterable<unknown>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, { status, body, headers }: StubResponse): void {
  // The client may have given up (a timeout) or the stub may be closing.
  if (response.destroyed || response.headersSent) return;
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Request-Id': randomId('req_', 14),
    ...headers,
  });
  response.end(JSON.stringify(body));
}
