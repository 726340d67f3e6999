import type { StripeStubBalanceTransaction } from './balance-transactions';
import type { StripeStubCheckoutSession } from './checkout-session-types';
import type { SessionStore } from './create-session-store';
import type { MoneyObjects } from './money-objects';
import type {
  StripeStubCharge,
  StripeStubDispute,
  StripeStubPaymentIntent,
  StripeStubRefund,
} from './money-types';

/** A Checkout Session and the money objects behind it, as a dashboard lists them. */
export interface StripeStubPayment {
  session: StripeStubCheckoutSession;
  paymentIntent: StripeStubPaymentIntent | undefined;
  charge: StripeStubCharge | undefined;
  /** The charge's refunds, newest first. */
  refunds: StripeStubRefund[];
  dispute: StripeStubDispute | undefined;
  /** The charge's Balance Transaction (its Stripe fee), once it succeeded. */
  balanceTransaction: StripeStubBalanceTransaction | undefined;
}

/**
 * Every session with what was paid through it, newest first (copies). Sessions are read, so the
 * open ones past `expires_at` expire now, as on Stripe.
 */
export function listPayments(
  sessions: SessionStore,
  money: MoneyObjects,
  balanceTransaction: (id: string) => StripeStubBalanceTransaction | undefined,
): StripeStubPayment[] {
  return sessions
    .readAll()
    .sort((a, b) => b.created - a.created)
    .map((session) => {
      const paymentIntent =
        session.payment_intent === null ? undefined : money.paymentIntent(session.payment_intent);
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
        balanceTransaction: charge?.balance_transaction
          ? balanceTransaction(charge.balance_transaction)
          : undefined,
      });
    });
}
