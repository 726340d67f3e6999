import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import Stripe from 'stripe';
import { createApiRouter } from './api/create-api-router';
import { createIdempotencyStore } from './api/create-idempotency-store';
import { createStubState } from './api/create-stub-state';
import { parseForm } from './api/parse-form';
import { randomId } from './api/random-id';
import {
  isStripeFailure,
  noSuch,
  type StripeFailure,
  StripeStubError,
  type StubResponse,
  stripeError,
} from './api/stripe-error';
import { createControlHandler } from './control/create-control-handler';
import { createRuleSet, ruleResponse } from './control/create-rule-set';
import { handleOnboardingPage } from './pages/onboarding-page';
import type {
  RecordedStripeRequest,
  StartStripeStubOptions,
  StripeStub,
  StubPageResponse,
} from './stripe-stub-types';

export type {
  CreateRefundOptions,
  OpenDisputeOptions,
  PayCheckoutSessionOptions,
  RecordedStripeRequest,
  StartStripeStubOptions,
  StripeStub,
  StripeStubAddress,
  StripeStubPromotionCode,
  StripeStubPromotionCodeObject,
  StripeStubPromotionCodeSpec,
  StripeStubRefundUpdate,
  StripeStubRule,
  StripeStubRuleResponse,
  StubPageRequest,
  StubPageResponse,
} from './stripe-stub-types';

const API_KEY = /^Bearer (sk|rk)_test_\w+$/;

/**
 * Starts a local Stripe stand-in on node:http for the real `stripe` SDK to talk to:
 * `new Stripe('sk_test_...', { host: stub.host, port: stub.port, protocol: 'http', httpClient:
 * Stripe.createFetchHttpClient() })`. It serves Customers, Checkout Sessions (with promotion
 * codes, discounts, automatic tax and Customer creation), PaymentIntents, Charges, Refunds,
 * Disputes, Coupons, Promotion Codes and Events, refusing what Stripe documents it refuses (the
 * rules table in the package README), with Stripe's errors and idempotency; its Node methods
 * play Stripe's side of a sale (payments, refunds, disputes) and return the events Stripe would
 * send; `/__stub/*` control endpoints do the same for tests that can only reach it over HTTP (see
 * `createControlHandler`). Rejects if the port cannot be bound or `taxRatePercent` is not 0 to 100.
 */
export async function startStripeStub(options: StartStripeStubOptions = {}): Promise<StripeStub> {
  const host = options.host ?? '127.0.0.1';
  let requests: RecordedStripeRequest[] = [];
  const rules = createRuleSet();
  const nowMs = options.now ?? Date.now;
  const idempotency = createIdempotencyStore(nowMs);
  // Events name the API version the SDK in this repository pins, as an account on it would.
  let stubUrl = '';
  const { checkoutUrl, onEvent, handlePage, taxRatePercent } = options;
  const state = createStubState({
    nowMs,
    apiVersion: Stripe.API_VERSION,
    ...(taxRatePercent === undefined ? {} : { taxRatePercent }),
    ...(checkoutUrl ? { checkoutUrl: (sessionId) => checkoutUrl(sessionId, stubUrl) } : {}),
    ...(onEvent ? { onEvent } : {}),
    onboardingUrl: (token) => `${stubUrl}/connect/onboarding/${token}`,
  });
  const route = createApiRouter(state);

  async function answer(
    method: string,
    url: URL,
    headers: IncomingHttpHeaders,
    body: string,
  ): Promise<StubResponse | StubPageResponse | undefined> {
    if (url.pathname.startsWith('/__stub/')) {
      return handleControlRequest({ method, path: url.pathname, query: url.searchParams, body });
    }
    const onboarding = handleOnboardingPage(
      { method, url, body },
      {
        links: state.accountLinks,
        account: state.accounts.retrieve,
        completeOnboarding: (id, options) => orThrow(state.completeAccountOnboarding(id, options)),
      },
    );
    if (onboarding) return onboarding;
    if (handlePage && !url.pathname.startsWith('/v1/')) {
      const page = await handlePage({ method, url, body });
      if (page) return page;
    }
    return answerStripeRequest(method, url, headers, body);
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://stub');
    const method = request.method ?? 'GET';
    readBody(request)
      .then((body) => answer(method, url, request.headers, body))
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
  stubUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
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
    const account = headers['stripe-account'];
    const stripeAccount = Array.isArray(account) ? account[0] : account;
    const record: RecordedStripeRequest = {
      method,
      path: url.pathname,
      idempotencyKey: Array.isArray(key) ? key[0] : key,
      ...(stripeAccount === undefined ? {} : { stripeAccount }),
      ...parseForm(method === 'GET' || method === 'DELETE' ? url.search : rawBody),
      receivedAt: new Date().toISOString(),
      replayed: false,
    };
    requests.push(record);
    const respond = rules.take(record);
    if (respond && 'hang' in respond) return undefined;
    if (respond && 'delayMs' in respond) await sleep(respond.delayMs, undefined, { ref: false });
    else if (respond) return ruleResponse(respond);
    return idempotency.answer(record, routeRequest);
  }

  function routeRequest(request: RecordedStripeRequest): StubResponse {
    const requestId = randomId('req_', 14);
    const eventRequest = { id: requestId, idempotency_key: request.idempotencyKey ?? null };
    const response = route({ ...request, eventRequest });
    return { ...response, headers: { ...response.headers, 'Request-Id': requestId } };
  }

  const stub: StripeStub = {
    url: stubUrl,
    host,
    port,
    protocol: 'http',
    get requests() {
      return requests;
    },
    addRule: rules.add,
    getSession: state.readSession,
    updateSession(id, patch) {
      const updated = state.updateSession(id, patch);
      if (!updated) throw new Error(`Stripe stub: no checkout session '${id}'`);
      return updated;
    },
    payCheckoutSession: (sessionId, options = {}) =>
      orThrow(state.payCheckoutSession(sessionId, options)),
    settleDelayedPayment: (sessionId, outcome) =>
      orThrow(state.settleDelayedPayment(sessionId, outcome)),
    expireCheckoutSession: (sessionId) => orThrow(state.expireCheckoutSession(sessionId)).events,
    createRefund(paymentIntentId, { amount, status = 'succeeded' } = {}) {
      const { value, events } = orThrow(state.createRefund({ paymentIntentId, amount, status }));
      return { refund: value, events };
    },
    updateRefund: (refundId, status) => orThrow(state.updateRefund(refundId, status)).events,
    openDispute(paymentIntentId, options = {}) {
      const { value, events } = orThrow(state.openDispute(paymentIntentId, options));
      return { dispute: value, events };
    },
    updateDispute: (disputeId, status) => orThrow(state.updateDispute(disputeId, status)).events,
    createPromotionCode: (spec) => orThrow(state.promotionCodes.createFromSpec(spec)),
    getPromotionCode: state.promotionCodes.retrieve,
    get events() {
      state.sweepExpiredSessions();
      return state.events.all();
    },
    listPayments: state.listPayments,
    get customers() {
      return state.customers.all();
    },
    getCustomer: state.customers.retrieve,
    completeAccountOnboarding: (accountId, options = {}) =>
      orThrow(state.completeAccountOnboarding(accountId, options)).events,
    requireAccountInformation: (accountId) =>
      orThrow(state.requireAccountInformation(accountId)).events,
    payOutAccount(accountId) {
      const { value, events } = orThrow(state.payOutAccount(accountId));
      return { payouts: value, events };
    },
    balanceOf: (accountId) => state.ledger.balance(accountId),
    listTransfers: () => state.transfers.all(),
    getAccount: state.accounts.retrieve,
    listAccounts: () => state.accounts.all(),
    markEventDelivered(eventId) {
      if (!state.events.markDelivered(eventId)) throw new StripeStubError(noSuch('event', eventId));
    },
    reset() {
      requests = [];
      rules.clear();
      idempotency.clear();
      state.reset();
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

/** The value, or the refusal thrown as a {@link StripeStubError}. */
function orThrow<T>(outcome: T | StripeFailure): T {
  if (isStripeFailure(outcome)) throw new StripeStubError(outcome);
  return outcome;
}

async function readBody(request: AsyncIterable<unknown>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, answer: StubResponse | StubPageResponse): void {
  // The client may have given up (a timeout) or the stub may be closing.
  if (response.destroyed || response.headersSent) return;
  if ('text' in answer) {
    response.writeHead(answer.status, answer.headers ?? {});
    response.end(answer.text);
    return;
  }
  const { status, body, headers } = answer;
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Request-Id': randomId('req_', 14),
    ...headers,
  });
  response.end(JSON.stringify(body));
}
