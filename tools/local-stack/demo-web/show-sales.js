import { callStaffApi } from './call-api.js';
import { el, page } from './dom.js';
import { formatPrice } from './format-price.js';
import { config } from './load-config.js';
import { refundForm } from './refund-form.js';
import { clearError, showError } from './show-error.js';

// After a refund is accepted its sale changes when Stripe's webhook lands (a second or so locally).
const SALE_POLL_MS = 1_000;
const SALE_POLL_LIMIT_MS = 30_000;
const SALES_PAGE_LIMIT = 50;
const REFUNDABLE_STATUSES = new Set(['completed', 'partially_refunded']);

const WEBHOOK_NOTES = {
  waiting: " Waiting for Stripe's webhook…",
  late: " Stripe's webhook has not arrived after 30 s: reload to check.",
};

function wait(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What a refund changes on a sale, once its webhook lands. */
function saleState(sale) {
  return `${sale.status}/${sale.amountRefundedCents}/${sale.disputeStatus}`;
}

/**
 * A refund's answer under its sale: `{ outcome: 'accepted', refundId, text, webhook }` (webhook
 * `waiting`, `arrived` or `late`), `{ outcome: 'error', text: 'CODE: message' }`, or
 * `{ outcome: 'sending', text }` while the request is in flight.
 */
function refundAnswer(answer) {
  const line = el('p', { class: 'refund-result', 'data-testid': 'refund-result' });
  if (!answer) {
    line.hidden = true;
    return line;
  }
  line.dataset.outcome = answer.outcome;
  if (answer.refundId) line.dataset.refundId = answer.refundId;
  line.textContent = answer.text + (WEBHOOK_NOTES[answer.webhook] ?? '');
  return line;
}

/** One sale as a table row: when, what, who, charged, refunded, status, and what staff can do. */
function saleRow(sale, answer, report) {
  const money = (cents) => formatPrice({ priceCents: cents, currency: sale.currency });
  const status = el(
    'span',
    { class: 'sale-status', 'data-status': sale.status },
    sale.status.replace('_', ' '),
  );
  const dispute = sale.disputeStatus ? ` · dispute ${sale.disputeStatus}` : '';
  // Refunded in full with "Keep access": the money went back, the buyer still plays it.
  const kept = sale.status === 'refunded' && sale.hasAccess ? ' · access kept' : '';
  let result = refundAnswer(answer);
  const onReport = (next) => {
    const line = report(sale, next);
    result.replaceWith(line);
    result = line;
  };
  const action = REFUNDABLE_STATUSES.has(sale.status) ? [refundForm(sale, onReport)] : [];
  return el(
    'tr',
    {
      'data-testid': 'sale',
      'data-purchase-id': sale.purchaseId,
      'data-status': sale.status,
      'data-has-access': String(sale.hasAccess),
    },
    el('td', {}, new Date(sale.createdAt).toLocaleString()),
    el('td', {}, sale.contentTitle, el('div', { class: 'muted' }, sale.customerId)),
    el('td', { class: 'amount' }, money(sale.amountCents)),
    el(
      'td',
      { class: 'amount' },
      sale.amountRefundedCents > 0 ? money(sale.amountRefundedCents) : '—',
    ),
    el('td', {}, status, dispute, kept),
    el('td', {}, ...action, result),
  );
}

/**
 * The demo organization's sales as its staff sees them, newest first (the first 50), each with a
 * refund form while it is completed or partially refunded. After an accepted refund the list is
 * read again every second until that sale changes (Stripe's webhook landed); then its row is
 * redrawn, and only its row, so other rows keep what was typed in them.
 */
export async function showSales() {
  document.title = 'Sales · Codex demo';
  if (!config.staff) {
    const none = 'No staff token: `pnpm dev` gives this page one for the demo organization.';
    page.replaceChildren(el('h1', {}, 'Sales'), el('p', { class: 'muted' }, none));
    return;
  }
  const { staff } = config;
  const titles = ['Started', 'Item · buyer', 'Charged', 'Refunded', 'Status', 'Refund'];
  const table = el('table', { class: 'sales' });
  const heading = el('tr', {}, ...titles.map((title) => el('th', {}, title)));
  const more = el('p', { class: 'muted' });
  const about = `As ${staff.userId}, staff of the organization (its organization_members row; the token only says who you are). A refund goes to Stripe at once; the sale changes when Stripe's webhook arrives.`;
  page.replaceChildren(
    el('h1', {}, `Sales · ${staff.organizationName}`),
    el('p', { class: 'muted' }, about),
    table,
    more,
  );

  const answers = new Map(); // purchaseId → its last refund answer, kept when its row is redrawn
  /** The first page of sales, or undefined when it could not be read (the error is shown). */
  const readSales = async () => {
    try {
      const { data, nextCursor } = await callStaffApi(`/sales?limit=${SALES_PAGE_LIMIT}`);
      clearError('sales');
      more.textContent = nextCursor ? `The newest ${SALES_PAGE_LIMIT} sales.` : '';
      return data;
    } catch (error) {
      showError(error, 'sales');
      return undefined;
    }
  };
  const row = (sale) => saleRow(sale, answers.get(sale.purchaseId), report);
  const redraw = (sale) => {
    const rows = table.querySelectorAll('[data-testid="sale"]');
    const current = [...rows].find((tr) => tr.dataset.purchaseId === sale.purchaseId);
    current?.replaceWith(row(sale));
  };
  const awaitWebhook = async (sale) => {
    const answer = answers.get(sale.purchaseId);
    const deadline = Date.now() + SALE_POLL_LIMIT_MS;
    while (Date.now() < deadline) {
      await wait(SALE_POLL_MS);
      const now = (await readSales())?.find((each) => each.purchaseId === sale.purchaseId);
      if (now && saleState(now) !== saleState(sale)) {
        answer.webhook = 'arrived';
        return redraw(now);
      }
    }
    answer.webhook = 'late';
    redraw(sale);
  };
  /** Records a sale's refund answer and returns its line; an accepted refund starts the wait. */
  function report(sale, answer) {
    answers.set(sale.purchaseId, answer);
    if (answer.webhook === 'waiting') awaitWebhook(sale);
    return refundAnswer(answer);
  }

  const sales = await readSales();
  const message = (text) => el('tr', {}, el('td', { colspan: String(titles.length) }, text));
  if (sales === undefined) {
    table.replaceChildren(heading, message('The sales could not be read (see the error above).'));
  } else if (sales.length === 0) {
    table.replaceChildren(heading, message('No sales yet.'));
  } else {
    table.replaceChildren(heading, ...sales.map(row));
  }
}
