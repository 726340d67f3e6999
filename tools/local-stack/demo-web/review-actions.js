import { callStaffApi } from './call-api.js';
import { el } from './dom.js';
import { formatPrice } from './format-price.js';
import { isPaid, shortId } from './review-item.js';
import { describeError } from './show-error.js';

const ACTION_LABELS = {
  grant_at_charged: 'Grant access at what was charged',
  refund_and_close: 'Refund and close',
  dismiss: 'Dismiss (note required)',
};

/** The buttons an open flag offers: `{ action, targetPurchaseId, label }`, one per choice. */
function choicesOf(item) {
  return item.allowedActions.flatMap((action) => {
    if (action !== 'refund_payment') {
      return [{ action, targetPurchaseId: undefined, label: ACTION_LABELS[action] ?? action }];
    }
    // Either of the buyer's payments may be the one given back: one button per paid purchase.
    return [item.purchase, ...item.otherPurchases].filter(isPaid).map((purchase) => ({
      action,
      targetPurchaseId: purchase.purchaseId,
      label: `Refund payment of purchase ${shortId(purchase.purchaseId)}`,
    }));
  });
}

function isSuggested(item, choice) {
  const remedy = item.suggestedRemedy;
  if (remedy.action !== choice.action) return false;
  // Only refund_payment has several buttons; the others act on the flagged purchase (or none).
  return choice.action !== 'refund_payment' || remedy.targetPurchaseId === choice.targetPurchaseId;
}

/** The answer line: `data-outcome` sending|done|error, `data-refund-id` when a refund was made. */
function showAnswer(line, answer) {
  line.hidden = false;
  line.dataset.outcome = answer.outcome;
  if (answer.refundId) line.dataset.refundId = answer.refundId;
  else delete line.dataset.refundId;
  line.textContent = answer.text;
}

function describeDone(data, currency) {
  const target = data.targetPurchaseId ? ` of purchase ${shortId(data.targetPurchaseId)}` : '';
  const refund = data.refundId
    ? `: refund ${data.refundId} of ${formatPrice({ priceCents: data.refundedCents ?? 0, currency })}; access follows Stripe's webhook`
    : '';
  const replayed = data.replayed ? ' (answered again: already done)' : '';
  return `Done: ${data.action}${target}${refund}. The flag is resolved${replayed}.`;
}

/**
 * An open flag's actions: one button per allowed action (for `refund_payment`, one per paid
 * purchase of the buyer; the suggested one highlighted), a note (required to dismiss) and the
 * answer. Each click is a new request with its own `Idempotency-Key`; while one is in flight the
 * buttons are disabled, and after `done` they stay so (the flag is closed: the resolved list shows
 * it).
 */
export function reviewActions(item) {
  const note = el('input', {
    name: 'note',
    maxlength: '500',
    placeholder: 'Note (why; required to dismiss)',
    'aria-label': 'Note',
    'data-testid': 'review-note',
  });
  const answer = el('p', { class: 'refund-result', 'data-testid': 'review-result', hidden: '' });
  const buttons = choicesOf(item).map((choice) => {
    const suggested = isSuggested(item, choice);
    const button = el(
      'button',
      {
        type: 'button',
        class: suggested ? 'suggested' : '',
        'data-testid': 'review-action',
        'data-action': choice.action,
        'data-target-purchase-id': choice.targetPurchaseId ?? '',
        'data-suggested': String(suggested),
      },
      suggested ? `${choice.label} (suggested)` : choice.label,
    );
    button.addEventListener('click', () => send(choice));
    return button;
  });
  const setDisabled = (isDisabled) => {
    for (const button of buttons) button.disabled = isDisabled;
  };

  async function send(choice) {
    const text = note.value.trim();
    if (choice.action === 'dismiss' && !text) {
      showAnswer(answer, { outcome: 'error', text: 'NOTE_REQUIRED: say why it is dismissed.' });
      note.focus();
      return;
    }
    const body = {
      action: choice.action,
      ...(choice.targetPurchaseId ? { targetPurchaseId: choice.targetPurchaseId } : {}),
      ...(text ? { note: text } : {}),
    };
    setDisabled(true);
    showAnswer(answer, { outcome: 'sending', text: `Sending ${choice.action}…` });
    try {
      const { data } = await callStaffApi(
        `/review-queue/${encodeURIComponent(item.anomalyId)}/actions`,
        { method: 'POST', body, headers: { 'Idempotency-Key': crypto.randomUUID() } },
      );
      const done = describeDone(data, item.purchase.currency);
      showAnswer(answer, { outcome: 'done', refundId: data.refundId, text: done });
    } catch (error) {
      showAnswer(answer, { outcome: 'error', text: describeError(error) });
      setDisabled(false);
    }
  }

  return el('div', { class: 'review-actions' }, el('div', {}, ...buttons), note, answer);
}
