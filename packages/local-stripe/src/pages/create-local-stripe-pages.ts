import { StripeStubError } from '../api/stripe-error';
import type { StripeStub, StubPageRequest, StubPageResponse } from '../stripe-stub-types';
import { findDemoPromotionCode, renderCheckoutPage, successUrl } from './checkout-page';
import { type DashboardNotice, renderDashboardPage } from './dashboard-page';
import { escapeHtml, parseMajorAmount } from './html';

/** How the local Stripe's pages behave. */
export interface LocalStripePagesOptions {
  /** The running stand-in (a getter: the pages are created before it listens). */
  stub: () => StripeStub;
  /** How long a bank debit takes to settle after the buyer pays. */
  delayedSettlementMs: number;
  /** How long a "refund that fails" stays pending before it fails. */
  failingRefundMs: number;
  log: (line: string) => void;
}

/** The pages plus a way to cancel what they scheduled (settlements, failing refunds). */
export interface LocalStripePages {
  handlePage: (request: StubPageRequest) => StubPageResponse | undefined;
  stop: () => void;
}

const HTML_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action *",
  'X-Content-Type-Options': 'nosniff',
};

/**
 * The pages of the local Stripe, served beside its API:
 * - `GET /` the dashboard; its forms `POST /dashboard/...` act as the seller would in Stripe's
 *   Dashboard, then redirect back with a notice naming the events emitted.
 * - `GET /c/pay/:sessionId` the hosted checkout page; `POST` with `choice` pays by card (then
 *   redirects to the success URL), pays by bank debit that settles after `delayedSettlementMs`
 *   (redirects at once, as Stripe does), cancels (back to the cancel URL; the session stays open,
 *   as on Stripe) or expires the session now. A payment sends the form's `promotion_code` (one of
 *   the demo codes, when the session allows codes); any other code re-renders the page with
 *   Stripe's "This code is invalid." and pays nothing. A session whose total comes to 0 completes
 *   with nothing to settle.
 */
export function createLocalStripePages(options: LocalStripePagesOptions): LocalStripePages {
  const { stub, log } = options;
  const timers = new Set<NodeJS.Timeout>();

  /** Runs `action` later; a refusal by then (state reset, already settled) is logged. */
  function later(delayMs: number, what: string, action: () => unknown) {
    const timer = setTimeout(() => {
      timers.delete(timer);
      try {
        action();
      } catch (error) {
        log(`${what} did not happen: ${error instanceof Error ? error.message : String(error)}`);
      }
    }, delayMs);
    timers.add(timer);
  }

  function checkout(method: string, sessionId: string, body: string): StubPageResponse | undefined {
    const session = stub().getSession(sessionId);
    if (!session) return htmlPage(404, 'No such checkout session.');
    if (method === 'GET')
      return { status: 200, headers: HTML_HEADERS, text: renderCheckoutPage(session) };
    if (method !== 'POST') return undefined;
    const form = new URLSearchParams(body);
    const choice = form.get('choice');
    if (session.status !== 'open')
      return { status: 409, headers: HTML_HEADERS, text: renderCheckoutPage(session) };
    const typed = form.get('promotion_code')?.trim() ?? '';
    const promotionCode = typed === '' ? undefined : findDemoPromotionCode(typed, session.currency);
    const isPayment = choice === 'card' || choice?.startsWith('delayed_');
    if (isPayment && typed !== '' && (!promotionCode || session.allow_promotion_codes !== true)) {
      // What Stripe's page says under the field; the buyer can fix the code and pay.
      const text = renderCheckoutPage(session, {
        promotionCode: typed,
        error: 'This code is invalid.',
      });
      return { status: 400, headers: HTML_HEADERS, text };
    }
    switch (choice) {
      case 'card':
        stub().payCheckoutSession(sessionId, { method: 'card', promotionCode });
        return redirect(successUrl(session));
      case 'delayed_success':
      case 'delayed_failure': {
        stub().payCheckoutSession(sessionId, { method: 'delayed', promotionCode });
        // A free session completed with no payment: there is nothing to settle.
        if (stub().getSession(sessionId)?.payment_intent) {
          const outcome = choice === 'delayed_success' ? 'succeeded' : 'failed';
          later(options.delayedSettlementMs, `settling ${sessionId}`, () =>
            stub().settleDelayedPayment(sessionId, outcome),
          );
        }
        return redirect(successUrl(session));
      }
      case 'cancel':
        return redirect(session.cancel_url);
      case 'expire': {
        stub().expireCheckoutSession(sessionId);
        return redirect(`/c/pay/${sessionId}`);
      }
      default:
        return htmlPage(400, 'Unknown choice.');
    }
  }

  /** A dashboard action; answers the notice to show. */
  function act(path: string, form: URLSearchParams): DashboardNotice | undefined {
    const emitted = (events: ReadonlyArray<{ type: string }>) =>
      events.map((event) => event.type).join(', ');
    let match = /^\/dashboard\/payment_intents\/([^/]+)\/refunds$/.exec(path);
    if (match?.[1]) {
      const paymentIntentId = match[1];
      const currency =
        stub()
          .listPayments()
          .find((payment) => payment.paymentIntent?.id === paymentIntentId)?.session.currency ??
        'usd';
      const amountText = form.get('amount')?.trim() ?? '';
      const amount = amountText === '' ? undefined : parseMajorAmount(amountText, currency);
      if (amountText !== '' && amount === undefined) {
        return { kind: 'error', text: `Not an amount: ${amountText}` };
      }
      const fails = form.get('outcome') === 'fails';
      const { refund, events } = stub().createRefund(paymentIntentId, {
        ...(amount ? { amount } : {}),
        status: fails ? 'pending' : 'succeeded',
      });
      if (fails) {
        later(options.failingRefundMs, `failing refund ${refund.id}`, () =>
          stub().updateRefund(refund.id, 'failed'),
        );
      }
      return {
        kind: 'notice',
        text: `Refund ${refund.id} ${refund.status}${fails ? ` (it fails in ${options.failingRefundMs / 1000} s)` : ''}: sent ${emitted(events)}.`,
      };
    }
    match = /^\/dashboard\/payment_intents\/([^/]+)\/disputes$/.exec(path);
    if (match?.[1]) {
      const { dispute, events } = stub().openDispute(match[1]);
      return { kind: 'notice', text: `Dispute ${dispute.id} opened: sent ${emitted(events)}.` };
    }
    match = /^\/dashboard\/disputes\/([^/]+)\/close$/.exec(path);
    if (match?.[1]) {
      const outcome = form.get('outcome') === 'won' ? 'won' : 'lost';
      const events = stub().updateDispute(match[1], outcome);
      return { kind: 'notice', text: `Dispute ${outcome}: sent ${emitted(events)}.` };
    }
    match =
      /^\/dashboard\/accounts\/([^/]+)\/(complete-onboarding|require-information|pay-out)$/.exec(
        path,
      );
    if (match?.[1]) {
      const [, accountId, what] = match;
      if (what === 'pay-out') {
        const { payouts, events } = stub().payOutAccount(accountId);
        const ids = payouts.map((payout) => payout.id).join(', ');
        return { kind: 'notice', text: `Paid out ${ids}: sent ${emitted(events)}.` };
      }
      const events =
        what === 'complete-onboarding'
          ? stub().completeAccountOnboarding(accountId)
          : stub().requireAccountInformation(accountId);
      return { kind: 'notice', text: `Account ${accountId} updated: sent ${emitted(events)}.` };
    }
    match = /^\/dashboard\/sessions\/([^/]+)\/settle$/.exec(path);
    if (match?.[1]) {
      const outcome = form.get('outcome') === 'failed' ? 'failed' : 'succeeded';
      const events = stub().settleDelayedPayment(match[1], outcome);
      return { kind: 'notice', text: `Bank debit ${outcome}: sent ${emitted(events)}.` };
    }
    return undefined;
  }

  function dashboard(method: string, url: URL, body: string): StubPageResponse | undefined {
    if (method === 'GET' && url.pathname === '/') {
      const error = url.searchParams.get('error');
      const notice = url.searchParams.get('notice');
      const shown: DashboardNotice | undefined = error
        ? { kind: 'error', text: error }
        : notice
          ? { kind: 'notice', text: notice }
          : undefined;
      return {
        status: 200,
        headers: HTML_HEADERS,
        text: renderDashboardPage(stub().listPayments(), shown, {
          platformBalance: stub().balanceOf(),
          accounts: stub()
            .listAccounts()
            .map((account) => ({ account, balance: stub().balanceOf(account.id) })),
          transfers: stub().listTransfers(),
        }),
      };
    }
    if (method !== 'POST' || !url.pathname.startsWith('/dashboard/')) return undefined;
    const result = act(url.pathname, new URLSearchParams(body));
    if (!result) return htmlPage(404, 'No such dashboard action.');
    return redirect(`/?${new URLSearchParams({ [result.kind]: result.text })}`);
  }

  return {
    handlePage({ method, url, body }) {
      const sessionId = /^\/c\/pay\/([^/]+)$/.exec(url.pathname)?.[1];
      try {
        return sessionId ? checkout(method, sessionId, body) : dashboard(method, url, body);
      } catch (error) {
        // Stripe's refusal of the action (nothing left to refund, a dispute already closed…).
        if (!(error instanceof StripeStubError)) throw error;
        if (sessionId) return htmlPage(error.status, error.message);
        return redirect(`/?${new URLSearchParams({ error: error.message })}`);
      }
    },
    stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

function redirect(location: string): StubPageResponse {
  return { status: 303, headers: { Location: location, 'Cache-Control': 'no-store' }, text: '' };
}

function htmlPage(status: number, message: string): StubPageResponse {
  const escaped = escapeHtml(message);
  return {
    status,
    headers: HTML_HEADERS,
    text: `<!doctype html><title>Local Stripe</title><p>${escaped}</p><p><a href="/">Dashboard</a></p>`,
  };
}
