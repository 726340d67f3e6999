import type { StripeStubCheckoutSession } from './checkout-session-types';
import { invalidRequest, noSuch, type StripeFailure } from './stripe-error';

/** How the session store reads the clock and reports the sessions that expire. */
export interface SessionStoreOptions {
  /** The clock in milliseconds. */
  nowMs: () => number;
  /** Told of an open session that expired on being read (to emit `checkout.session.expired`). */
  onExpired: (session: StripeStubCheckoutSession) => void;
}

/**
 * The stub's Checkout Sessions, in creation order. As on Stripe, an open session past `expires_at`
 * expires when it is read: it is stored `expired` without its `url` and `onExpired` is told. Pure
 * state; refusals are returned, never thrown.
 */
export function createSessionStore({ nowMs, onExpired }: SessionStoreOptions) {
  const sessions = new Map<string, StripeStubCheckoutSession>();

  /** A stored session; an open one past `expires_at` expires now, emitting as Stripe does. */
  function read(id: string): StripeStubCheckoutSession | undefined {
    const session = sessions.get(id);
    if (session?.status !== 'open' || session.expires_at > nowMs() / 1000) return session;
    const expired = { ...session, status: 'expired' as const, url: null };
    sessions.set(id, expired);
    onExpired(expired);
    return expired;
  }

  return {
    read,

    /** The session if it is open; else Stripe's refusal to `action` it. */
    open(id: string, action: string): StripeStubCheckoutSession | StripeFailure {
      const session = read(id);
      if (!session) return noSuch('checkout.session', id, 'session');
      if (session.status === 'open') return session;
      return invalidRequest(
        `Only Checkout Sessions with a status in ["open"] can be ${action}. This Checkout Session has a status of "${session.status}".`,
      );
    },

    /** Applies `patch`; a session no longer open loses its `url` unless the patch sets one. */
    update(
      id: string,
      patch: Partial<StripeStubCheckoutSession>,
    ): StripeStubCheckoutSession | undefined {
      const session = read(id);
      if (!session) return undefined;
      const updated = { ...session, ...patch, id };
      if (updated.status !== 'open' && !('url' in patch)) updated.url = null;
      sessions.set(id, updated);
      return updated;
    },

    add(session: StripeStubCheckoutSession): void {
      sessions.set(session.id, session);
    },

    /** Every session, the latest created first, each read (so the ones past due expire now). */
    readAll(): StripeStubCheckoutSession[] {
      return [...sessions.keys()].reverse().flatMap((id) => {
        const session = read(id);
        return session ? [session] : [];
      });
    },

    /** The first session, as stored (not read), whose `payment_intent` is `paymentIntentId`. */
    findByPaymentIntent(paymentIntentId: string): StripeStubCheckoutSession | undefined {
      return [...sessions.values()].find(
        (candidate) => candidate.payment_intent === paymentIntentId,
      );
    },

    /** Reads every session, so each open one past `expires_at` expires and its event exists. */
    sweepExpired(): void {
      for (const id of sessions.keys()) read(id);
    },

    reset(): void {
      sessions.clear();
    },
  };
}

/** The stub's Checkout Sessions; see {@link createSessionStore}. */
export type SessionStore = ReturnType<typeof createSessionStore>;
