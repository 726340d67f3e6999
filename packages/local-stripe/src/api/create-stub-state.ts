import type { PayCheckoutSessionOptions } from '../stripe-stub-types';
import { createAccountLinks } from './account-links';
import { createAccountStore } from './account-store';
import { createBalanceLedger } from './balance-transactions';
import type { StripeStubCheckoutSession } from './checkout-session-types';
import { createCouponStore } from './coupon-store';
import { createCheckoutSession, toStripeObject } from './create-checkout-session';
import { createPromotionCodes } from './create-promotion-codes';
import { createSessionStore } from './create-session-store';
import { createCustomerStore } from './customer-store';
import { createEventStore, type StripeStubEvent, type StripeStubEventRequest } from './event-store';
import { listPayments, type StripeStubPayment } from './list-payments';
import { createMoneyObjects } from './money-objects';
import type {
  Emission,
  RefundRequest,
  StripeStubDispute,
  StripeStubDisputeUpdate,
  StripeStubRefund,
  StripeStubRefundStatus,
} from './money-types';
import { isTaxRate, payCheckoutSession } from './pay-checkout-session';
import { payOutAccount } from './pay-out-account';
import type { Params } from './read-params';
import { invalidRequest, isStripeFailure, noSuch, type StripeFailure } from './stripe-error';
import { createTransferStore } from './transfer-store';

/** A result of an action: a value, or Stripe's refusal. */
type Outcome<T> = T | StripeFailure;

/** The rate the stub's "Stripe Tax" charges when a payment names none. */
export const DEFAULT_TAX_RATE_PERCENT = 10;

/** How the stub's state is wired to its surroundings. */
export interface StubStateOptions {
  /** The clock in milliseconds. */
  nowMs: () => number;
  /** Stamped on every event. */
  apiVersion: string;
  /** The page a session's `url` names. Default: Stripe's hosted page. */
  checkoutUrl?: (sessionId: string) => string;
  /** Told of every event right after it is recorded (the state change it reports is done). */
  onEvent?: (event: StripeStubEvent) => void;
  /** The rate charged under automatic tax when a payment names none. Default {@link DEFAULT_TAX_RATE_PERCENT}. */
  taxRatePercent?: number;
  /** The hosted onboarding page an Account Link's `url` names, given its token. */
  onboardingUrl?: (token: string) => string;
}

/**
 * Everything the stub knows, shared by its Node methods, its Stripe API routes and its control
 * endpoints: Customers, Checkout Sessions, the money objects after checkout, and the events they
 * emitted. Actions return their outcome or Stripe's refusal and never throw; construction throws
 * if `taxRatePercent` is not 0 to 100.
 */
export function createStubState({
  nowMs,
  apiVersion,
  checkoutUrl,
  onEvent,
  taxRatePercent: defaultTaxRate = DEFAULT_TAX_RATE_PERCENT,
  onboardingUrl = (token) => `https://connect.stripe.com/setup/s/${token}`,
}: StubStateOptions) {
  if (!isTaxRate(defaultTaxRate)) {
    throw new Error(`Stripe stub: taxRatePercent must be 0 to 100, not ${defaultTaxRate}`);
  }
  const nowSeconds = () => Math.floor(nowMs() / 1000);
  const sessions = createSessionStore({
    nowMs,
    onExpired: (expired) => emitSession('checkout.session.expired', expired),
  });
  const ledger = createBalanceLedger(nowSeconds);
  const money = createMoneyObjects(nowSeconds, ledger);
  const accounts = createAccountStore(nowSeconds);
  const accountLinks = createAccountLinks(nowSeconds, {
    hasAccount: (id) => accounts.find(id) !== undefined,
    onboardingUrl,
  });
  const transfers = createTransferStore({ nowSeconds, accounts, ledger, charge: money.charge });
  const events = createEventStore(nowSeconds, apiVersion);
  const customers = createCustomerStore(nowSeconds);
  const coupons = createCouponStore(nowSeconds);
  const promotionCodes = createPromotionCodes(nowSeconds, coupons);

  function emit(emissions: Emission[], request?: StripeStubEventRequest): StripeStubEvent[] {
    const recorded = emissions.map(({ type, object, account, previousAttributes }) =>
      events.record(type, object, request, { account, previousAttributes }),
    );
    for (const event of recorded) onEvent?.(event);
    return recorded;
  }

  function emitSession(
    type: string,
    session: StripeStubCheckoutSession,
    request?: StripeStubEventRequest,
  ) {
    return emit([{ type, object: toStripeObject(session) }], request);
  }

  /** Runs a money transition and emits its events; the value is returned as a copy. */
  function applied<T>(
    outcome: { value: T; emitted: Emission[] } | StripeFailure,
    request?: StripeStubEventRequest,
  ): Outcome<{ value: T; events: StripeStubEvent[] }> {
    if (isStripeFailure(outcome)) return outcome;
    return { value: structuredClone(outcome.value), events: emit(outcome.emitted, request) };
  }

  return {
    money,
    ledger,
    accounts,
    accountLinks,
    transfers,
    events,
    customers,
    coupons,
    promotionCodes,
    readSession: sessions.read,
    updateSession: sessions.update,
    /** Ends (expires) every open session past its `expires_at`, so their events exist. */
    sweepExpiredSessions: sessions.sweepExpired,

    /** `POST /v1/checkout/sessions`, its parameters nested as `parseForm` reads them. */
    createSession(params: Params): Outcome<StripeStubCheckoutSession> {
      const session = createCheckoutSession(params, {
        now: nowSeconds(),
        ...(checkoutUrl ? { checkoutUrl } : {}),
        findCustomer: customers.retrieve,
        resolveDiscount: promotionCodes.resolveSessionDiscount,
      });
      if (isStripeFailure(session)) return session;
      sessions.add(session);
      return session;
    },

    /** The buyer pays an open session; see `payCheckoutSession`. */
    payCheckoutSession: (id: string, options: PayCheckoutSessionOptions = {}) =>
      payCheckoutSession(
        {
          sessions,
          money,
          customers,
          promotionCodes,
          defaultTaxRate,
          emit: (emissions) => emit(emissions),
          toStripeObject,
        },
        id,
        options,
      ),

    /** A bank debit paid with a completed session succeeds or fails. */
    settleDelayedPayment(id: string, outcome: 'succeeded' | 'failed'): Outcome<StripeStubEvent[]> {
      const session = sessions.read(id);
      if (!session) return noSuch('checkout.session', id, 'session');
      const intentId = session.payment_intent;
      if (session.status !== 'complete' || intentId === null || !money.paymentIntent(intentId)) {
        return invalidRequest(`Checkout Session ${id} has no delayed payment to settle.`);
      }
      const settled = money.settlePayment(intentId, outcome);
      if (isStripeFailure(settled)) return settled;
      if (outcome === 'failed') {
        return emitSession('checkout.session.async_payment_failed', session);
      }
      const paid = sessions.update(id, { payment_status: 'paid' }) ?? session;
      return emitSession('checkout.session.async_payment_succeeded', paid);
    },

    /** An open session expires (by the API or by time); `request` names the API request. */
    expireCheckoutSession(
      id: string,
      request?: StripeStubEventRequest,
    ): Outcome<{ session: StripeStubCheckoutSession; events: StripeStubEvent[] }> {
      const session = sessions.open(id, 'expired');
      if (isStripeFailure(session)) return session;
      const expired = sessions.update(id, { status: 'expired' }) ?? session;
      return {
        session: expired,
        events: emitSession('checkout.session.expired', expired, request),
      };
    },

    createRefund(
      refund: RefundRequest,
      request?: StripeStubEventRequest,
    ): Outcome<{ value: StripeStubRefund; events: StripeStubEvent[] }> {
      return applied(money.createRefund(refund), request);
    },
    updateRefund(id: string, status: StripeStubRefundStatus) {
      return applied(money.updateRefund(id, status));
    },
    openDispute(
      paymentIntentId: string,
      options: { amount?: number | undefined; inquiry?: boolean | undefined } = {},
    ): Outcome<{ value: StripeStubDispute; events: StripeStubEvent[] }> {
      return applied(money.openDispute(paymentIntentId, options));
    },
    updateDispute(id: string, status: StripeStubDisputeUpdate) {
      return applied(money.updateDispute(id, status));
    },

    /**
     * A PaymentIntent as `GET /v1/payment_intents/:id` serves it: a stored one, or else one derived
     * from a session patched with `payment_intent` through `updateSession` (no charge behind it).
     */
    readPaymentIntent(id: string): Record<string, unknown> | undefined {
      const stored = money.paymentIntent(id);
      if (stored) return structuredClone(stored);
      const session = sessions.findByPaymentIntent(id);
      if (!session) return undefined;
      return {
        id,
        object: 'payment_intent',
        amount: session.amount_total,
        currency: session.currency,
        status: session.payment_status === 'paid' ? 'succeeded' : 'processing',
        capture_method: 'automatic',
        metadata: session.payment_intent_data.metadata,
        latest_charge: null,
        last_payment_error: null,
        livemode: false,
      };
    },

    /** Every session with what was paid through it, newest first (copies). */
    listPayments: (): StripeStubPayment[] =>
      listPayments(sessions, money, (id) => ledger.transaction(id)),

    /** `POST /v1/transfers`; emits `transfer.created`. */
    createTransfer(params: Params, request?: StripeStubEventRequest) {
      return applied(transfers.create(params), request);
    },
    /** `POST /v1/transfers/:id/reversals`; emits `transfer.reversed`. */
    reverseTransfer(id: string, params: Params, request?: StripeStubEventRequest) {
      return applied(transfers.reverse(id, params), request);
    },
    /** Onboarding done (or, with `leaveDue`, left with a bank account due); emits `account.updated`. */
    completeAccountOnboarding(id: string, options: { leaveDue?: boolean } = {}) {
      return applied(accounts.completeOnboarding(id, options));
    },
    /** Requirements due again; emits `account.updated`. */
    requireAccountInformation(id: string) {
      return applied(accounts.requireInformation(id));
    },
    /** Pays out an account's available balance; emits `payout.created`, `payout.paid`. */
    payOutAccount(id: string) {
      return applied(payOutAccount(id, { accounts, ledger, nowSeconds }));
    },

    reset(): void {
      sessions.reset();
      money.reset();
      ledger.reset();
      accounts.reset();
      accountLinks.reset();
      transfers.reset();
      events.reset();
      customers.reset();
      coupons.reset();
      promotionCodes.reset();
    },
  };
}

/** The stub's whole state; see {@link createStubState}. */
export type StubState = ReturnType<typeof createStubState>;
