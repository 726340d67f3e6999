import { ApiError, callStaffApi } from './call-api.js';
import { el } from './dom.js';
import { formatPrice, fractionDigits, parseMajorAmount } from './format-price.js';
import { describeError } from './show-error.js';

const REFUND_REASONS = {
  requested_by_customer: 'Customer request',
  duplicate: 'Duplicate',
  fraudulent: 'Fraudulent',
  other: 'Other',
};

/**
 * A sale's refund form: amount in major units (all that is left by default), reason, note, and
 * "Keep access" (`revokeAccess: false`). Each submission has one Idempotency-Key, kept until the
 * API answers for good: a second press while it is in flight is ignored, and pressing again after
 * the network or the server failed re-sends the same key with the same values, so Stripe refunds
 * once. Changed values are a new submission (the API would refuse the old key with a new body).
 * `report` gets each answer (see `refundAnswer` in show-sales.js).
 */
export function refundForm(sale, report) {
  const digits = fractionDigits(sale.currency);
  const remaining = sale.amountCents - sale.amountRefundedCents;
  const amount = el('input', {
    name: 'amount',
    inputmode: 'decimal',
    size: '7',
    value: (remaining / 10 ** digits).toFixed(digits),
    'aria-label': `Amount to refund (${sale.currency.toUpperCase()})`,
    'data-testid': 'refund-amount',
  });
  const reason = el(
    'select',
    { name: 'reason', 'aria-label': 'Reason', 'data-testid': 'refund-reason' },
    ...Object.entries(REFUND_REASONS).map(([value, label]) => el('option', { value }, label)),
  );
  const note = el('input', {
    name: 'note',
    maxlength: '500',
    placeholder: 'Note (optional)',
    'aria-label': 'Note',
    'data-testid': 'refund-note',
  });
  const keepAccess = el('input', {
    type: 'checkbox',
    name: 'keepAccess',
    'data-testid': 'refund-keep-access',
  });
  const submit = el('button', { type: 'submit', 'data-testid': 'refund-submit' }, 'Refund');
  const form = el(
    'form',
    { class: 'refund-form', 'data-testid': 'refund-form' },
    amount,
    reason,
    note,
    el('label', {}, keepAccess, ' Keep access'),
    submit,
  );

  let submission; // { body, key } until the API answers for good
  let isSending = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault(); // the page's CSP allows no form submission anyway
    if (isSending) return;
    const amountCents = parseMajorAmount(amount.value, sale.currency);
    if (!amountCents) {
      report({
        outcome: 'error',
        text: `INVALID_AMOUNT: not an amount to refund: ${amount.value}`,
      });
      return;
    }
    const body = {
      amountCents,
      reason: reason.value,
      revokeAccess: !keepAccess.checked,
      ...(note.value.trim() ? { note: note.value.trim() } : {}),
    };
    const serialized = JSON.stringify(body);
    if (submission?.body !== serialized) {
      submission = { body: serialized, key: crypto.randomUUID() };
    }
    isSending = true;
    submit.disabled = true;
    report({ outcome: 'sending', text: 'Sending the refund…' });
    try {
      const { data } = await callStaffApi(
        `/purchases/${encodeURIComponent(sale.purchaseId)}/refunds`,
        { method: 'POST', body, headers: { 'Idempotency-Key': submission.key } },
      );
      submission = undefined;
      const access = data.revokeAccess
        ? 'access ends once it is refunded in full'
        : 'the buyer keeps access';
      const refunded = formatPrice({ priceCents: data.amountCents, currency: data.currency });
      report({
        outcome: 'accepted',
        refundId: data.refundId,
        text: `Refund ${data.refundId} of ${refunded}: ${data.status}, ${access}.`,
        webhook: 'waiting',
      });
      // The button stays disabled: the row is redrawn once the sale changes.
      return;
    } catch (error) {
      if (!(error instanceof ApiError && error.isTransient)) submission = undefined;
      report({ outcome: 'error', text: describeError(error) });
    }
    isSending = false;
    submit.disabled = false;
  });
  return form;
}
