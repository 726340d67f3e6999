import type { PayCheckoutSessionOptions } from '../stripe-stub-types';
import type {
  StripeStubCheckoutSession,
  StripeStubCustomerDetails,
} from './checkout-session-types';
import { computeSessionTotals } from './compute-session-totals';
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
import { invalidRequest, isStripeFailure, noSuch, type StripeFailure } from './stripe-error';

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
}: StubStateOptions) {
  if (!isTaxRate(defaultTaxRate)) {
    throw new Error(`Stripe stub: taxRatePercent must be 0 to 100, not ${defaultTaxRate}`);
  }
  const nowSeconds = () => Math.floor(nowMs() / 1000);
  const sessions = createSessionStore({
    nowMs,
    onExpired: (expired) => emitSession('checkout.session.expired', expired),
  });
  const money = createMoneyObjects(nowSeconds);
  const events = createEventStore(nowSeconds, apiVersion);
  const customers = createCustomerStore(nowSeconds);
  const promotionCodes = createPromotionCodes();

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

  /** The buyer as a completed session names them: its customer's email, else `customer_email`. */
  function customerDetails(session: StripeStubCheckoutSession): StripeStubCustomerDetails {
    const customer = session.customer === null ? undefined : customers.retrieve(session.customer);
    return {
      email: customer?.email ?? session.customer_email,
      name: customer?.name ?? null,
      address: null,
      phone: null,
      tax_exempt: 'none',
      tax_ids: [],
    };
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
    customers,
    readSession: sessions.read,
    updateSession: sessions.update,
    /** Ends (expires) every open session past its `expires_at`, so their events exist. */
    sweepExpiredSessions: sessions.sweepExpired,

    /** `POST /v1/checkout/sessions`. */
    createSession(form: Record<string, string>): Outcome<StripeStubCheckoutSession> {
      const result = createCheckoutSession(form, {
        now: nowSeconds(),
        ...(checkoutUrl ? { checkoutUrl } : {}),
        hasCustomer: (id) => customers.retrieve(id) !== undefined,
      });
      if ('error' in result) return { status: 400, error: result.error };
      sessions.add(result.session);
      return result.session;
    },

    /**
     * The buyer pays an open session by card (succeeded at once) or bank debit (processing), with
     * an optional promotion code and, under automatic tax, the tax rate of their address. A total
     * of 0 completes the session with nothing to pay and no PaymentIntent.
     */
    payCheckoutSession(
      id: string,
      { method = 'card', promotionCode, taxRatePercent }: PayCheckoutSessionOptions = {},
    ): Outcome<StripeStubEvent[]> {
      const session = sessions.open(id, 'paid');
      if (isStripeFailure(session)) return session;
      const discount = promotionCodes.readDiscount(session, promotionCode);
      if (isStripeFailure(discount)) return discount;
      const rate = taxRatePercent ?? defaultTaxRate;
      if (!isTaxRate(rate)) {
        return invalidRequest(`\`taxRatePercent\` must be 0 to 100, not ${taxRatePercent}.`);
      }
      const totals = computeSessionTotals({
        lineItems: session.line_items,
        discount: discount.amount,
        taxRatePercent: session.automatic_tax.enabled ? rate : undefined,
      });
      const paid = {
        status: 'complete' as const,
        amount_subtotal: totals.amount_subtotal,
        amount_total: totals.amount_total,
        total_details: {
          amount_discount: totals.amount_discount,
          amount_shipping: 0,
          amount_tax: totals.amount_tax,
        },
        discounts: discount.redeemed ? [discount.redeemed] : [],
        customer_details: customerDetails(session),
        automatic_tax: {
          ...session.automatic_tax,
          status: session.automatic_tax.enabled ? ('complete' as const) : null,
        },
      };
      if (totals.amount_total === 0) {
        // Stripe completes a free session without a PaymentIntent, whatever the method.
        const free = sessions.update(id, {
          ...paid,
          payment_status: 'no_payment_required',
          payment_intent: null,
        });
        return free ? emitSession('checkout.session.completed', free) : [];
      }
      const isDelayed = method === 'delayed';
      const intent = money.startPayment({
        amount: totals.amount_total,
        currency: session.currency,
        metadata: session.payment_intent_data.metadata,
        isDelayed,
      });
      const completed = sessions.update(id, {
        ...paid,
        payment_status: isDelayed ? 'unpaid' : 'paid',
        payment_intent: intent.id,
      });
      return completed ? emitSession('checkout.session.completed', completed) : [];
    },

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
      const session = sessions.findByPaymentIntent(id);
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
    listPayments: (): StripeStubPayment[] => listPayments(sessions, money),

    reset(): void {
      sessions.reset();
      money.reset();
      events.reset();
      customers.reset();
      promotionCodes.reset();
    },
  };
}

function isTaxRate(rate: number): boolean {
  return Number.isFinite(rate) && rate >= 0 && rate <= 100;
}

/** The stub's whole state; see {@link createStubState}. */
export type StubState = ReturnType<typeof createStubState>;
