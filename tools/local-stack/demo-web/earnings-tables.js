import { el } from './dom.js';
import { formatPrice } from './format-price.js';

/** The money columns of both tables: [label, field]. */
const MONEY = [
  ['Charged', 'chargedCents'],
  ['Tax', 'taxCents'],
  ['Stripe fee', 'stripeFeeCents'],
  ['Platform fee', 'platformFeeCents'],
  ['Share', 'shareCents'],
  ['Transferred', 'transferredCents'],
  ['Reversed', 'reversedCents'],
];

/** `data-transferred-cents="1350"`, …: each money field in cents, for tests and scripts. */
function centsAttributes(row) {
  const attributes = {};
  for (const [, field] of [...MONEY, ['', 'dueCents'], ['', 'refundedCents']]) {
    const name = field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
    attributes[`data-${name}`] = String(row[field] ?? '');
  }
  return attributes;
}

function moneyCells(row) {
  return MONEY.map(([, field]) =>
    el(
      'td',
      { class: 'amount' },
      row[field] === null ? '—' : formatPrice({ priceCents: row[field], currency: row.currency }),
    ),
  );
}

function table(testId, titles, rows, empty) {
  const heading = el('tr', {}, ...titles.map((title) => el('th', {}, title)));
  const none = el('tr', {}, el('td', { colspan: String(titles.length), class: 'muted' }, empty));
  return el(
    'table',
    { class: 'sales', 'data-testid': testId },
    heading,
    ...(rows.length ? rows : [none]),
  );
}

/**
 * The earnings summed per currency (`GET …/earnings/summary`): one `earnings-total` row each, with
 * still owed and still to take back.
 */
export function earningsSummary(currencies) {
  const rows = currencies.map((totals) =>
    el(
      'tr',
      {
        'data-testid': 'earnings-total',
        'data-currency': totals.currency,
        ...centsAttributes(totals),
      },
      el(
        'td',
        {},
        totals.currency.toUpperCase(),
        el('div', { class: 'muted' }, totals.sales === 1 ? '1 sale' : `${totals.sales} sales`),
      ),
      ...moneyCells(totals),
      el(
        'td',
        { class: 'amount' },
        formatPrice({ priceCents: totals.owedCents, currency: totals.currency }),
        totals.toReverseCents > 0
          ? el(
              'div',
              { class: 'muted' },
              `to reverse ${formatPrice({ priceCents: totals.toReverseCents, currency: totals.currency })}`,
            )
          : '',
      ),
    ),
  );
  const titles = ['Currency', ...MONEY.map(([label]) => label), 'Still owed'];
  return table('earnings-summary', titles, rows, 'No paid sales yet.');
}

/** The ledger (`GET …/earnings`): one `earnings-row` per paid sale, newest first, with its status. */
export function earningsLedger(lines) {
  const rows = lines.map((line) =>
    el(
      'tr',
      {
        'data-testid': 'earnings-row',
        'data-purchase-id': line.purchaseId,
        'data-status': line.status,
        'data-transfer-id': line.transferId ?? '',
        ...centsAttributes(line),
      },
      el(
        'td',
        {},
        new Date(line.createdAt).toLocaleString(),
        el('div', { class: 'muted', title: line.purchaseId }, `${line.purchaseId.slice(0, 8)}…`),
      ),
      ...moneyCells(line),
      el(
        'td',
        {},
        el(
          'span',
          { class: 'sale-status', 'data-status': line.status },
          line.status.replaceAll('_', ' '),
        ),
        line.transferId ? el('div', { class: 'muted' }, line.transferId) : '',
      ),
    ),
  );
  const titles = ['Sale', ...MONEY.map(([label]) => label), 'Payout'];
  return table('earnings-ledger', titles, rows, 'No paid sales yet.');
}
