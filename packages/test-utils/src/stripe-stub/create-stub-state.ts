import { createCheckoutSession, type StripeStubCheckoutSession } from './create-checkout-session';
import { createEventStore, type StripeStubEvent, type StripeStubEventRequest } from './event-store';
import { createMoneyObjects } from './money-objects';
import type {
  Emission,
  RefundRequest,
  StripeStubCharge,
  StripeStubDispute,
  StripeStubDisputeUpdate,
  StripeStubPaymentIntent,
  StripeStubRefund,
  StripeStubRefundStatus,
} from './money-types';
import { invalidRequest, isStripeFailure, noSuch, type StripeFailure } from './stripe-error';

/** A result of an action: a value, or Stripe's refusal. */
type Outcome<T> = T | StripeFailure;

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
}

/**
 * Everything the stub knows, shared by its Node methods, its Stripe API routes and its control
 * endpoints: Checkout Sessions, the money objects after checkout, and the events they emitted.
 * Actions return their outcome or Stripe's refusal and never throw.
 */
export function createStubState({ nowMs, apiVersion, checkoutUrl, onEvent }: StubStateOptions) {
  const nowSeconds = () => Math.floor(nowMs() / 1000);
  const sessions = new Map<string, StripeStubCheckoutSession>();
  const money = createMoneyObjects(nowSeconds);
  const events = createEventStore(nowSeconds, apiVersion);

  function emit(emissions: Emission[], request?: StripeStubEventRequest): StripeStubEvent[] {
    const recorded = emissions.map(({ type, object }) => events.record(type, object, request));
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

  /** A stored session; an open one past `expires_at` expires now, emitting as Stripe does. */
  function readSession(id: string): StripeStubCheckoutSession | undefined {
    const session = sessions.get(id);
    if (session?.status !== 'open' || session.expires_at > nowMs() / 1000) return session;
    const expired = { ...session, status: 'expired' as const, url: null };
    sessions.set(id, expired);
    emitSession('checkout.session.expired', expired);
    return expired;
  }

  /** The session if it is open; else Stripe's refusal to `action` it. */
  function openSession(id: string, action: string): StripeStubCheckoutSession | StripeFailure {
    const session = readSession(id);
    if (!session) return noSuch('checkout.session', id, 'session');
    if (session.status === 'open') return session;
    return invalidRequest(
      `Only Checkout Sessions with a status in ["open"] can be ${action}. This Checkout Session has a status of "${session.status}".`,
    );
  }

  function updateSession(
    id: string,
    patch: Partial<StripeStubCheckoutSession>,
  ): StripeStubCheckoutSession | undefined {
    const session = readSession(id);
    if (!session) return undefined;
    const updated = { ...session, ...patch, id };
    if (updated.status !== 'open' && !('url' in patch)) updated.url = null;
    sessions.set(id, updated);
    return updated;
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
    events,
    readSession,
    updateSession,
    /** Ends (expires) every open session past its `expires_at`, so their events exist. */
    sweepExpiredSessions(): void {
      for (const id of sessions.keys()) readSession(id);
    },

    /** `POST /v1/checkout/sessions`. */
    createSession(form: Record<string, string>): Outcome<StripeStubCheckoutSession> {
      const result = createCheckoutSession(form, nowSeconds(), checkoutUrl);
      if ('error' in result) return { status: 400, error: result.error };
      sessions.set(result.session.id, result.session);
      return result.session;
    },

    /** The buyer pays an open session by card (succeeded at once) or bank debit (processing). */
    payCheckoutSession(id: string, method: 'card' | 'delayed'): Outcome<StripeStubEvent[]> {
      const session = openSession(id, 'paid');
      if (isStripeFailure(session)) return session;
      const isDelayed = method === 'delayed';
      const intent = money.startPayment({
        amount: session.amount_total,
        currency: session.currency,
        metadata: session.payment_intent_data.metadata,
        isDelayed,
      });
      const completed = updateSession(id, {
        status: 'complete',
        payment_status: isDelayed ? 'unpaid' : 'paid',
        payment_intent: intent.id,
      });
      return completed ? emitSession('checkout.session.completed', completed) : [];
    },

    /** A bank debit paid with a completed session succeeds or fails. */
    settleDelayedPayment(id: string, outcome: 'succeeded' | 'failed'): Outcome<StripeStubEvent[]> {
      const session = readSession(id);
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
      const paid = updateSession(id, { payment_status: 'paid' }) ?? session;
      return emitSession('checkout.session.async_payment_succeeded', paid);
    },

    /** An open session expires (by the API or by time); `request` names the API request. */
    expireCheckoutSession(
      id: string,
      request?: StripeStubEventRequest,
    ): Outcome<{ session: StripeStubCheckoutSession; events: StripeStubEvent[] }> {
      const session = openSession(id, 'expired');
      if (isStripeFailure(session)) return session;
      const expired = updateSession(id, { status: 'expired' }) ?? session;
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
      amount?: number,
    ): Outcome<{ value: StripeStubDispute; events: StripeStubEvent[] }> {
      return applied(money.openDispute(paymentIntentId, amount));
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
      const session = [...sessions.values()].find((candidate) => candidate.payment_intent === id);
      if (!session) return undefined;
      return {
        id,
        object: 'payment_intent',
        amount: session.amount_total,
        currency: session.currency,
        status: session.payment_status === 'paid' ? 'succeeded' : 'processing',
        metadata: session.payment_intent_data.metadata,
        latest_charge: null,
        last_payment_error: null,
        livemode: false,
      };
    },

    /** Every session with what was paid through it, newest first (copies). */
    listPayments(): StripeStubPayment[] {
      const newestFirst = [...sessions.keys()].reverse().flatMap((id) => {
        const session = readSession(id);
        return session ? [session] : [];
      });
      return newestFirst
        .sort((a, b) => b.created - a.created)
        .map((session) => {
          const paymentIntent =
            session.payment_intent === null
              ? undefined
              : money.paymentIntent(session.payment_intent);
          const charge =
            paymentIntent?.latest_charge == null
              ? undefined
              : money.charge(paymentIntent.latest_charge);
          return structuredClone({
            session,
            paymentIntent,
            charge,
            refunds: charge ? money.refundsOf(charge.id) : [],
            dispute: charge ? money.disputeOf(charge.id) : undefined,
          });
        });
    },

    reset(): void {
      sessions.clear();
      money.reset();
      events.reset();
    },
  };
}

/** The stub's whole state; see {@link createStubState}. */
export type StubState = ReturnType<typeof createStubState>;

/** A Checkout Session and the money objects behind it, as a dashboard lists them. */
export interface StripeStubPayment {
  session: StripeStubCheckoutSession;
  paymentIntent: StripeStubPaymentIntent | undefined;
  charge: StripeStubCharge | undefined;
  /** The charge's refunds, newest first. */
  refunds: StripeStubRefund[];
  dispute: StripeStubDispute | undefined;
}

/** The session as Stripe's API returns it, without the stub-only fields. */
export function toStripeObject(session: StripeStubCheckoutSession): Record<string, unknown> {
  const { payment_intent_data: _stubOnly, line_items: _served, ...object } = session;
  return object;
}
