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
  /**
   * Of a chargeback only (an inquiry, `warning_*`, moves no money and decides nothing unless it
   * escalates): `open` while needs_response or under_review.
   */
  disputeStatus: 'open' | 'won' | 'lost' | null;
  /**
   * Refunded past the refund policy, and the most recently requested platform refund among the
   * counted ones (if any) was issued to revoke access (decision 021).
   */
  refundEndsAccess: boolean;
  /** Paid, not refunded past the policy unless kept, no open or lost dispute. */
  hasAccess: boolean;
  /**
   * No access at the end: the confirmation goes out when access is first granted (decision 014),
   * so a purchase whose money was taken back, or is held by a chargeback, before the completion
   * arrived may never be confirmed. One that grants access at the end always is.
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
const OPEN_DISPUTES = new Set(['needs_response', 'under_review']);

/** {@link StripeFinalState} of the payment made through the session (undefined: not paid at all). */
export function readStripeFinalState(payment: StripeStubPayment | undefined): StripeFinalState {
  const paid = payment?.paymentIntent?.status === 'succeeded';
  const chargedCents = payment?.session.amount_total ?? 0;
  const refunds = payment?.refunds ?? [];
  const counted = refunds.filter((refund) => COUNTED_REFUNDS.has(refund.status));
  const refundedCents = counted.reduce((sum, refund) => sum + refund.amount, 0);
  // Listed newest first (as Stripe lists them): for the soak, the order staff asked in, reversed.
  const deciding = counted.find((refund) => refund.metadata.refundRequestId);
  const refundEndsAccess =
    isAccessRevokingRefund(refundedCents, chargedCents) &&
    (deciding === undefined || deciding.metadata.revokeAccess !== 'false');
  const stripeDispute = payment?.dispute?.status;
  const dispute = stripeDispute?.startsWith('warning_') ? undefined : stripeDispute;
  const disputeStatus =
    dispute === undefined
      ? null
      : OPEN_DISPUTES.has(dispute)
        ? 'open'
        : dispute === 'lost'
          ? 'lost'
          : 'won';
  const hasAccess =
    paid && !refundEndsAccess && (disputeStatus === null || disputeStatus === 'won');
  return {
    paid,
    chargedCents,
    refundedCents: paid ? refundedCents : 0,
    disputeStatus: paid ? disputeStatus : null,
    refundEndsAccess,
    hasAccess,
    mayLackConfirmation: !hasAccess,
    stripe: {
      paymentIntent: payment?.paymentIntent?.status,
      refunds: refunds.map((refund) => ({
        amount: refund.amount,
        status: refund.status,
        revokeAccess: refund.metadata.revokeAccess,
      })),
      dispute: stripeDispute,
    },
  };
}
