import type { FulfillmentAnomalyKind, ReviewActionKind } from '@codex/database';

/**
 * Which actions resolve which flag (decision 025). Every flag can be dismissed with a note; the
 * money actions are those that make sense for what went wrong:
 * - `duplicate_payment` (the buyer paid twice: a refund failed after they bought again): refund
 *   one of the two payments, either one;
 * - `amount_mismatch`, `currency_mismatch` (a payment held pending: Stripe charged other than what
 *   was sold): grant at what was charged, or refund it and close;
 * - `paid_after_failure`, `linkage_mismatch`, `foreign_discount` (money on a purchase that will
 *   not complete, or that cannot be trusted): refund it and close;
 * - `payout_reversal_uncovered` (the organization's share could not be taken back): dismiss only;
 *   the payouts settle it themselves.
 */
export const actionsByKind: Readonly<Record<FulfillmentAnomalyKind, readonly ReviewActionKind[]>> =
  {
    duplicate_payment: ['refund_payment', 'dismiss'],
    amount_mismatch: ['grant_at_charged', 'refund_and_close', 'dismiss'],
    currency_mismatch: ['grant_at_charged', 'refund_and_close', 'dismiss'],
    paid_after_failure: ['refund_and_close', 'dismiss'],
    linkage_mismatch: ['refund_and_close', 'dismiss'],
    foreign_discount: ['refund_and_close', 'dismiss'],
    // Settled by the payouts themselves: every reconciliation run tries the reversal again and the
    // flag closes (`settled`) once the organization's balance covers it (decision 026).
    payout_reversal_uncovered: ['dismiss'],
  };

/** What the queue suggests doing with a flag: an action, on which purchase, and why. */
export interface SuggestedRemedy {
  action: ReviewActionKind;
  /** The purchase whose payment the action moves; null for `dismiss`. */
  targetPurchaseId: string | null;
  why: string;
}

/** What {@link suggestRemedy} reads of a flag. */
export interface FlagFacts {
  kind: FulfillmentAnomalyKind;
  purchaseId: string;
  details: Record<string, unknown>;
  /** Another purchase of the same buyer and item that holds the slot (bought again), if any. */
  slotHolderId: string | null;
}

/**
 * The remedy the queue proposes; staff may choose any action {@link actionsByKind} allows.
 * - a double payment: refund the payment holding the slot (the newer one): the flagged payment's
 *   own refund already failed once, and refunding the holder gives the slot back to it;
 * - a payment held for review that charged at least the price, in the price's currency: grant it
 *   at what was charged; charged less, or another currency: refund it;
 * - anything else: refund it and close.
 */
export function suggestRemedy(flag: FlagFacts): SuggestedRemedy {
  if (flag.kind === 'duplicate_payment') {
    return flag.slotHolderId
      ? {
          action: 'refund_payment',
          targetPurchaseId: flag.slotHolderId,
          why: 'The buyer paid twice for this item. Refund the newer payment: the flagged one, whose refund failed, then holds access again.',
        }
      : {
          action: 'dismiss',
          targetPurchaseId: null,
          why: 'No other purchase holds the item any more: the flagged payment holds it again.',
        };
  }
  if (flag.kind === 'payout_reversal_uncovered') {
    return {
      action: 'dismiss',
      targetPurchaseId: null,
      why: "The organization's Stripe balance could not cover taking back its share of a refund or lost dispute. Reconciliation tries again every run and closes this once it succeeds (new sales refill the balance); dismiss only to acknowledge it.",
    };
  }
  if (flag.kind === 'amount_mismatch') {
    const { expected, received } = flag.details;
    if (typeof expected === 'number' && typeof received === 'number' && received >= expected) {
      return {
        action: 'grant_at_charged',
        targetPurchaseId: flag.purchaseId,
        why: 'Stripe charged at least the price (tax or rounding the checkout did not expect): grant access at what was charged.',
      };
    }
  }
  return {
    action: 'refund_and_close',
    targetPurchaseId: flag.purchaseId,
    why:
      flag.kind === 'amount_mismatch' || flag.kind === 'currency_mismatch'
        ? 'Stripe charged less than the price, or in another currency: refund the payment; the buyer may buy again.'
        : 'This payment will not complete a purchase: give the money back.',
  };
}
