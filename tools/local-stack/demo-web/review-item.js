import { el } from './dom.js';
import { formatPrice } from './format-price.js';

const KIND_LABELS = {
  duplicate_payment: 'Paid twice',
  amount_mismatch: 'Charged another amount',
  currency_mismatch: 'Charged in another currency',
  paid_after_failure: 'Paid after the purchase failed',
  linkage_mismatch: 'Session and purchase disagree',
  foreign_discount: 'Discount of another organization',
};

const when = (iso) => (iso ? new Date(iso).toLocaleString() : '—');

/** A short purchase id for labels: its first 8 characters. */
export const shortId = (purchaseId) => purchaseId.slice(0, 8);

/** `completed`, paid and not refunded in full: a payment `refund_payment` may give back. */
export function isPaid(purchase) {
  return purchase.status === 'completed' && purchase.refundedCents < purchase.chargedCents;
}

/** One of the buyer's purchases of the item as a table row (the flagged one marked). */
function purchaseRow(purchase, isFlagged) {
  const money = (cents) => formatPrice({ priceCents: cents, currency: purchase.currency });
  const stripeIds = [purchase.stripeCheckoutSessionId, purchase.stripePaymentIntentId]
    .filter(Boolean)
    .join(' · ');
  const dispute = purchase.disputeStatus ? ` · dispute ${purchase.disputeStatus}` : '';
  return el(
    'tr',
    {
      'data-testid': 'review-purchase',
      'data-purchase-id': purchase.purchaseId,
      'data-status': purchase.status,
      'data-holds-slot': String(purchase.holdsSlot),
      'data-flagged': String(isFlagged),
    },
    el('td', {}, shortId(purchase.purchaseId), isFlagged ? ' (flagged)' : ''),
    el('td', {}, purchase.status, dispute),
    el('td', { class: 'amount' }, money(purchase.chargedCents)),
    el('td', { class: 'amount' }, purchase.refundedCents > 0 ? money(purchase.refundedCents) : '—'),
    el('td', {}, purchase.holdsSlot ? 'holds the item' : '—'),
    el('td', { class: 'muted stripe-ids' }, stripeIds || '—'),
  );
}

/** The flagged purchase and the buyer's other purchases of the item. */
function purchasesTable(item) {
  const titles = ['Purchase', 'Status', 'Charged', 'Refunded', 'Slot', 'Stripe session · payment'];
  return el(
    'table',
    { class: 'sales' },
    el('tr', {}, ...titles.map((title) => el('th', {}, title))),
    purchaseRow(item.purchase, true),
    ...item.otherPurchases.map((purchase) => purchaseRow(purchase, false)),
  );
}

/** The refunds and disputes Stripe holds for the flagged payment. */
function stripeObjects(item) {
  const money = (cents) => formatPrice({ priceCents: cents, currency: item.purchase.currency });
  const refunds = item.stripeRefunds.map((refund) =>
    el(
      'li',
      { 'data-testid': 'review-stripe-refund', 'data-refund-id': refund.id },
      `Refund ${refund.id}: ${refund.status}, ${money(refund.amountCents)}`,
    ),
  );
  const disputes = item.stripeDisputes.map((dispute) =>
    el('li', {}, `Dispute ${dispute.id}: ${dispute.stripeStatus}, ${money(dispute.amountCents)}`),
  );
  return el(
    'ul',
    { class: 'review-stripe' },
    el('li', {}, `Seen on ${item.stripeObjectId}`),
    ...refunds,
    ...disputes,
  );
}

/** The remedy the queue suggests, and why. */
function remedyLine(item) {
  const { action, targetPurchaseId, why } = item.suggestedRemedy;
  const target = targetPurchaseId ? ` of purchase ${shortId(targetPurchaseId)}` : '';
  return el(
    'p',
    {
      class: 'review-remedy',
      'data-testid': 'review-remedy',
      'data-action': action,
      'data-target-purchase-id': targetPurchaseId ?? '',
    },
    el('strong', {}, `Suggested: ${action}${target}. `),
    why,
  );
}

/** How a resolved flag was closed: how, by whom, when, why. */
function resolutionLine(item) {
  const note = item.resolutionNote ? ` Note: ${item.resolutionNote}` : '';
  return el(
    'p',
    {
      class: 'review-resolution',
      'data-testid': 'review-resolution',
      'data-resolution': item.resolution ?? '',
      'data-resolved-by': item.resolvedBy ?? '',
    },
    `Resolved (${item.resolution}) by ${item.resolvedBy ?? 'the money model'} at ${when(item.resolvedAt)}.${note}`,
  );
}

/** The actions staff took on the flag, oldest first. */
function historyList(item) {
  if (item.actions.length === 0) return el('p', { class: 'muted' }, 'No action taken yet.');
  return el(
    'ol',
    { class: 'review-history', 'data-testid': 'review-history' },
    ...item.actions.map((action) => {
      const target = action.targetPurchaseId ? ` of ${shortId(action.targetPurchaseId)}` : '';
      const refund = action.stripeRefundId ? ` (${action.stripeRefundId})` : '';
      const refusal = action.refusalCode ? ` refused: ${action.refusalCode}` : '';
      const note = action.note ? ` · ${action.note}` : '';
      return el(
        'li',
        { 'data-testid': 'review-history-entry', 'data-action': action.action },
        `${when(action.createdAt)}: ${action.action}${target} by ${action.actorId}, ${action.status}${refund}${refusal}${note}`,
      );
    }),
  );
}

/**
 * A flag as an article: kind, item, buyer, when, the purchases and Stripe objects; while open the
 * suggested remedy, once resolved how, by whom, when and why; the action history; then `actions`
 * (the buttons, for an open flag). Every creator- or buyer-written string goes in as text, never as HTML.
 */
export function reviewItem(item, actions) {
  const isResolved = item.resolvedAt !== null;
  return el(
    'article',
    {
      class: 'review-item',
      'data-testid': 'review-item',
      'data-anomaly-id': item.anomalyId,
      'data-kind': item.kind,
      'data-state': isResolved ? 'resolved' : 'open',
    },
    el('h2', {}, `${KIND_LABELS[item.kind] ?? item.kind} · `, item.contentTitle),
    el(
      'p',
      { class: 'muted' },
      `${item.kind}, flagged ${when(item.flaggedAt)} · buyer ${item.customerId}`,
    ),
    purchasesTable(item),
    stripeObjects(item),
    // A closed flag's remedy would be worked out again from today's purchases: only an open one's.
    isResolved ? resolutionLine(item) : remedyLine(item),
    historyList(item),
    ...(actions ? [actions] : []),
  );
}
