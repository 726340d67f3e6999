import { isAccessRevokingRefund } from '@codex/database';
import type { StripeStubPayment } from '@codex/local-stripe';

/** What Stripe's final state (as the stand-in holds it) implies for one purchase. */
export interface StripeFinalState {
  /** The payment succeeded (card, or a bank debit that settled). */
  paid: boolean;
  /** The session's total: what refunds are measured against. */
  chargedCents: number;
  /** Refunds pending or succeeded. */
  refundedCents: number;
  /** `open` while needs_response or under_review; `won` also for an inquiry closed. */
  disputeStatus: 'open' | 'won' | 'lost' | null;
  /** Refunded past the refund policy by refunds of which one was issued to revoke access. */
  refundEndsAccess: boolean;
  /** Paid, not refunded past the policy unless kept, no open or lost dispute. */
  hasAccess: boolean;
  /**
   * Money was taken back at some point: refunds of every status (failed and canceled ones counted
   * before they failed) reached the policy, or the dispute was lost. If that reached the webhook
   * worker before the completion did, the purchase was never confirmed by e-mail (decision 014).
   */
  mayLackConfirmation: boolean;
  /** Stripe's own words, for the report. */
  stripe: {
    paymentIntent: string | undefined;
    refunds: Array<{ amount: number; status: string; revokeAccess: string | undefined }>;
    dispute: string | undefined;
  };
}

const COUNTED_REFUNDS = new Set(['pending', 'requires_action', 'succeeded']);
const OPEN_DISPUTES = new Set(['needs_response', 'under_review', 'warning_needs_response']);

/** {@link StripeFinalState} of the payment made through the session (undefined: not paid at all). */
export function readStripeFinalState(payment: StripeStubPayment | undefined): StripeFinalState {
  const paid = payment?.paymentIntent?.status === 'succeeded';
  const chargedCents = payment?.session.amount_total ?? 0;
  const refunds = payment?.refunds ?? [];
  const revokes = (refund: { metadata: Record<string, string> }) =>
    refund.metadata.revokeAccess !== 'false';
  const counted = refunds.filter((refund) => COUNTED_REFUNDS.has(refund.status));
  const refundedCents = counted.reduce((sum, refund) => sum + refund.amount, 0);
  const refundEndsAccess =
    isAccessRevokingRefund(refundedCents, chargedCents) && counted.some(revokes);
  const dispute = payment?.dispute?.status;
  const disputeStatus =
    dispute === undefined
      ? null
      : OPEN_DISPUTES.has(dispute)
        ? 'open'
        : dispute === 'lost'
          ? 'lost'
          : 'won';
  const everRefunded = refunds.reduce((sum, refund) => sum + refund.amount, 0);
  return {
    paid,
    chargedCents,
    refundedCents: paid ? refundedCents : 0,
    disputeStatus: paid ? disputeStatus : null,
    refundEndsAccess,
    hasAccess: paid && !refundEndsAccess && (disputeStatus === null || disputeStatus === 'won'),
    mayLackConfirmation:
      (isAccessRevokingRefund(everRefunded, chargedCents) && refunds.some(revokes)) ||
      disputeStatus === 'lost',
    stripe: {
      paymentIntent: payment?.paymentIntent?.status,
      refunds: refunds.map((refund) => ({
        amount: refund.amount,
        status: refund.status,
        revokeAccess: refund.metadata.revokeAccess,
      })),
      dispute,
    },
  };
}
