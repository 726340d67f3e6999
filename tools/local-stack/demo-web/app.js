// Codex demo: plays the real web app's role for `pnpm dev`, using only the checkout worker's public
// API from the browser (cross-origin, bearer token). No framework, no build step; served, with its
// settings at /config.json, by src/demo-web/start-demo-web-app.ts.
//
// Pages (routed here by location.pathname):
//   /               the catalogue: per item, Buy (or "Get it free"), or Owned + Play; ownership
//                   of every item in one call (POST /api/purchases/access)
//   /library        what the buyer may play now (GET /api/library)
//   /mailbox        the e-mails the local mailbox received, newest first (GET /mailbox.json of
//                   this server, re-read every 2 s)
//   /content/<id>   the item: Stripe's success page (?purchase=success&session_id=…) and cancel
//                   page (?purchase=cancelled), and a player that unlocks while the buyer has access
//   /sales          the demo organization's sales as its staff sees them (staff token:
//                   GET /api/organizations/<orgId>/sales), a refund form on each refundable one
//                   (POST /api/organizations/<orgId>/purchases/<purchaseId>/refunds)
//
// Hooks that browser tests rely on (keep them stable):
//   [data-testid="item-<contentId>"]  a catalogue card
//   [data-testid="buy"]               Buy / Get it free (catalogue card; content page when locked)
//   [data-testid="owned-badge"]       on a catalogue card the buyer owns
//   [data-testid="library-item-<contentId>"]  an entry of the library
//   [data-testid="error"]             the error line ("CODE: message"), hidden when there is none
//   [data-testid="purchase-status"]   data-status="pending|completed|failed" (absent until answered)
//   [data-testid="cancelled-notice"]
//   [data-testid="mailbox-message"]   data-subject="<subject>", one per e-mail on /mailbox
//   [data-testid="player"]            data-access="locked|unlocked" (absent until answered)
//   [data-testid="sale"]              a row of /sales: data-purchase-id, data-status (the sale's),
//                                     data-has-access (true|false)
//   [data-testid="refund-form"]       in a sale's row while it can be refunded, with
//     [data-testid="refund-amount"] (major units), [data-testid="refund-reason"] (select),
//     [data-testid="refund-note"], [data-testid="refund-keep-access"] (checkbox),
//     [data-testid="refund-submit"]
//   [data-testid="refund-result"]     the answer: data-outcome="sending|accepted|error",
//                                     data-refund-id once accepted

const SESSION_POLL_MS = 1_500;
const SESSION_POLL_LIMIT_MS = 3 * 60_000;
const ACCESS_POLL_MS = 2_000;
// After a refund is accepted its sale changes when Stripe's webhook lands (a second or so locally).
const SALE_POLL_MS = 1_000;
const SALE_POLL_LIMIT_MS = 30_000;
const SALES_PAGE_LIMIT = 50;
const REFUND_REASONS = {
  requested_by_customer: 'Customer request',
  duplicate: 'Duplicate',
  fraudulent: 'Fraudulent',
  other: 'Other',
};
const REFUNDABLE_STATUSES = new Set(['completed', 'partially_refunded']);

const STATUS_SENTENCES = {
  pending: 'Waiting for the payment to settle…',
  completed: 'Payment received — enjoy!',
  failed: 'The payment failed. You were not charged; you can buy it again.',
};

/** An API error body `{ error: { code, message, requestId } }`, or a failure to reach the API. */
class ApiError extends Error {
  constructor(code, message, status = 0, requestId = undefined) {
    super(message);
    this.code = code;
    this.status = status;
    this.requestId = requestId;
  }

  /** Worth asking again: the network, a rate limit or a server error. */
  get isTransient() {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

const errorBox = document.querySelector('[data-testid="error"]');
const page = document.getElementById('page');
let config;

/** Creates an element; string children become text nodes (never parsed as HTML). */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/**
 * Shows an error in the error line. `source` names who showed it, so that a poll that succeeds
 * again clears its own error and not, say, a failed purchase's.
 */
function showError(error, source = 'action') {
  const code = error instanceof ApiError ? error.code : 'ERROR';
  const requestId =
    error instanceof ApiError && error.requestId ? ` (request ${error.requestId})` : '';
  errorBox.textContent = `${code}: ${error.message}${requestId}`;
  errorBox.dataset.source = source;
  errorBox.hidden = false;
}

function clearError(source = 'action') {
  if (errorBox.dataset.source !== source) return;
  errorBox.textContent = '';
  delete errorBox.dataset.source;
  errorBox.hidden = true;
}

/**
 * Calls the checkout worker as the buyer (or with `token`, e.g. the staff's); resolves with the
 * JSON body, rejects with an ApiError.
 */
async function callApi(path, { method = 'GET', body, token = config.token, headers: extra } = {}) {
  const headers = { ...extra, Authorization: `Bearer ${token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(`${config.apiBaseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    // The browser hides why (offline, worker down, or CORS refusing this origin).
    throw new ApiError(
      'NETWORK_ERROR',
      `Cannot reach the API at ${config.apiBaseUrl} (is it running, and does it allow this origin?)`,
    );
  }
  const json = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = json?.error;
    throw new ApiError(
      error?.code ?? `HTTP_${response.status}`,
      error?.message ?? (response.statusText || 'Request failed'),
      response.status,
      error?.requestId,
    );
  }
  return json;
}

/** Ownership of many items in one request: `{ "<id>": true|false }`. */
async function accessToMany(contentIds) {
  const { access } = await callApi('/api/purchases/access', {
    method: 'POST',
    body: { contentIds },
  });
  return access;
}

async function hasAccess(contentId) {
  const { hasAccess } = await callApi(`/api/purchases/access/${encodeURIComponent(contentId)}`);
  return hasAccess === true;
}

function contentPath(contentId) {
  return `/content/${encodeURIComponent(contentId)}`;
}

/** Price from the smallest unit, with the currency's own decimals (2 for USD, 0 for JPY). */
function formatPrice({ priceCents, currency }) {
  const format = new Intl.NumberFormat(undefined, {
    style: 'currency',
    currency: currency.toUpperCase(),
  });
  return format.format(priceCents / 10 ** format.resolvedOptions().maximumFractionDigits);
}

/** How many digits a currency has after the point (2 for USD, 0 for JPY). */
function fractionDigits(currency) {
  const format = new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: currency.toUpperCase(),
  });
  return format.resolvedOptions().maximumFractionDigits;
}

/** `12.5` or `12,50` (major units, as a person types it) → 1250; undefined when not an amount. */
function parseMajorAmount(text, currency) {
  const digits = fractionDigits(currency);
  const match = /^\s*(\d{1,9})(?:[.,](\d+))?\s*$/.exec(text);
  if (!match || (match[2] ?? '').length > digits) return undefined;
  return Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0') || '0');
}

/** The Buy button: starts checkout, then goes to Stripe, or to the item when it was free. */
function buyButton(contentId, item) {
  const label = item?.priceCents === 0 ? 'Get it free' : 'Buy';
  const button = el('button', { type: 'button', 'data-testid': 'buy' }, label);
  button.addEventListener('click', async () => {
    button.disabled = true;
    clearError();
    try {
      const { data } = await callApi('/api/checkout', { method: 'POST', body: { contentId } });
      if (data?.status === 'free_access_granted') {
        location.assign(contentPath(contentId));
      } else if (/^https?:\/\//.test(data?.checkoutUrl ?? '')) {
        location.assign(data.checkoutUrl);
      } else {
        throw new ApiError('UNEXPECTED_RESPONSE', `Unexpected checkout answer: ${data?.status}`);
      }
      // Leaving the page: the button stays disabled so it cannot be pressed twice.
    } catch (error) {
      showError(error);
      button.disabled = false;
    }
  });
  return button;
}

function showCatalogue() {
  document.title = 'Catalogue · Codex demo';
  const list = el('ul', { class: 'catalogue' });
  page.replaceChildren(el('h1', {}, 'Catalogue'), list);
  const cards = new Map();
  for (const item of config.catalogue) {
    const actions = el('div', { class: 'actions' }, el('span', { class: 'muted' }, 'Checking…'));
    cards.set(item.id, actions);
    list.append(
      el(
        'li',
        { class: 'card', 'data-testid': `item-${item.id}` },
        el('h2', {}, el('a', { href: contentPath(item.id) }, item.title)),
        el('p', { class: 'description' }, item.description ?? ''),
        el('p', { class: 'price' }, formatPrice(item)),
        actions,
      ),
    );
  }
  // Every item's ownership in one request, as a catalogue page of 50 items would ask.
  accessToMany(config.catalogue.map((item) => item.id))
    .catch((error) => {
      showError(error, 'access'); // offer Buy anyway: it reports its own error
      return {};
    })
    .then((access) => {
      for (const item of config.catalogue) {
        const badge = el('span', { class: 'badge', 'data-testid': 'owned-badge' }, 'Owned');
        const play = el('a', { href: contentPath(item.id) }, 'Play');
        const owned = access[item.id.toLowerCase()] === true;
        cards.get(item.id).replaceChildren(...(owned ? [badge, play] : [buyButton(item.id, item)]));
      }
    });
}

/** The library: what the buyer may play now, most recent purchase first (first page of 50). */
async function showLibrary() {
  document.title = 'Library · Codex demo';
  const list = el('ul', { class: 'library' });
  page.replaceChildren(el('h1', {}, 'Library'), list);
  try {
    const { data } = await callApi('/api/library?limit=50');
    if (data.length === 0) list.append(el('li', { class: 'muted' }, 'Nothing to play yet.'));
    for (const item of data) {
      const purchased = new Date(item.purchasedAt).toLocaleString();
      list.append(
        el(
          'li',
          { 'data-testid': `library-item-${item.contentId}` },
          el('a', { href: contentPath(item.contentId) }, item.contentTitle),
          el('span', { class: 'muted' }, ` · bought ${purchased}`),
        ),
      );
    }
  } catch (error) {
    showError(error, 'library');
  }
}

/** The local mailbox: every e-mail the workers sent under `pnpm dev`, newest first. */
function showMailbox() {
  document.title = 'Mailbox · Codex demo';
  const list = el('div', { class: 'mailbox' });
  page.replaceChildren(
    el('h1', {}, 'Mailbox'),
    el('p', { class: 'muted' }, 'E-mails the workers sent to the local mailbox (.data/mailbox).'),
    list,
  );
  let shown = '';
  const refresh = async () => {
    try {
      const response = await fetch('/mailbox.json', { cache: 'no-store' });
      if (!response.ok) throw new Error(`GET /mailbox.json answered ${response.status}`);
      const { data } = await response.json();
      const key = data.map((message) => message.id).join(',');
      if (key === shown) return;
      shown = key;
      if (data.length === 0) {
        list.replaceChildren(el('p', { class: 'muted' }, 'No e-mail yet.'));
        return;
      }
      list.replaceChildren(
        ...data.map((message) =>
          el(
            'article',
            { class: 'mail', 'data-testid': 'mailbox-message', 'data-subject': message.subject },
            el('h2', {}, message.subject),
            el(
              'p',
              { class: 'muted' },
              `To ${message.to.join(', ')} · ${new Date(message.receivedAt).toLocaleString()}`,
            ),
            el('pre', {}, message.text),
          ),
        ),
      );
      clearError('mailbox');
    } catch (error) {
      showError(new ApiError('MAILBOX_UNAVAILABLE', error.message), 'mailbox');
    }
  };
  refresh();
  setInterval(refresh, 2_000);
}

/** The success page's panel: asks how the purchase stands, every 1.5 s while it is pending. */
function purchaseStatusPanel(sessionId, onCompleted) {
  const panel = el('p', { class: 'status', 'data-testid': 'purchase-status' }, 'Checking…');
  const deadline = Date.now() + SESSION_POLL_LIMIT_MS;
  const poll = async () => {
    try {
      const { data } = await callApi(`/api/checkout/sessions/${encodeURIComponent(sessionId)}`);
      clearError('session');
      panel.dataset.status = data.status;
      panel.textContent = STATUS_SENTENCES[data.status] ?? `Purchase status: ${data.status}`;
      if (data.status === 'completed') onCompleted();
      if (data.status !== 'pending') return;
    } catch (error) {
      showError(error, 'session');
      if (!error.isTransient) return; // NOT_FOUND and the like will not change by asking again
    }
    if (Date.now() >= deadline) {
      panel.append(' Still not settled after 3 minutes: reload the page to check again.');
      return;
    }
    setTimeout(poll, SESSION_POLL_MS);
  };
  poll();
  return panel;
}

function showContent(contentId) {
  const item = config.catalogue.find((candidate) => candidate.id === contentId);
  const title = item?.title ?? 'Unknown item';
  document.title = `${title} · Codex demo`;
  const params = new URLSearchParams(location.search);
  const player = el('div', { class: 'player', 'data-testid': 'player' }, 'Checking access…');
  const buy = buyButton(contentId, item);
  buy.hidden = true;

  // Re-checked every 2 s, so a refund made elsewhere locks the player without a reload.
  let timer;
  const checkAccess = async () => {
    clearTimeout(timer);
    try {
      const unlocked = await hasAccess(contentId);
      clearError('access');
      player.dataset.access = unlocked ? 'unlocked' : 'locked';
      player.textContent = unlocked ? '▶ Unlocked — playing…' : '■ Locked — buy it to watch';
      buy.hidden = unlocked;
    } catch (error) {
      showError(error, 'access');
    }
    // A check run early (payment completed) may overlap the timed one: keep a single loop.
    clearTimeout(timer);
    timer = setTimeout(checkAccess, ACCESS_POLL_MS);
  };

  const back = el('a', { href: '/' }, '← Back to the catalogue');
  page.replaceChildren(el('p', {}, back), el('h1', {}, title));
  const sessionId = params.get('session_id');
  if (params.get('purchase') === 'success' && sessionId) {
    page.append(purchaseStatusPanel(sessionId, checkAccess));
  } else if (params.get('purchase') === 'cancelled') {
    const notice = 'Checkout cancelled — you were not charged.';
    page.append(el('p', { class: 'notice', 'data-testid': 'cancelled-notice' }, notice));
  }
  page.append(player, el('div', { class: 'actions' }, buy));
  checkAccess();
}

/** Calls one of the demo organization's staff routes (`/api/organizations/<orgId>…`) as its staff. */
function callStaffApi(path, options = {}) {
  const organization = encodeURIComponent(config.staff.organizationId);
  return callApi(`/api/organizations/${organization}${path}`, {
    ...options,
    token: config.staff.token,
  });
}

function wait(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What a refund changes on a sale, once its webhook lands. */
function saleState(sale) {
  return `${sale.status}/${sale.amountRefundedCents}/${sale.disputeStatus}`;
}

const WEBHOOK_NOTES = {
  waiting: " Waiting for Stripe's webhook…",
  late: " Stripe's webhook has not arrived after 30 s: reload to check.",
};

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

/**
 * A sale's refund form: amount in major units (all that is left by default), reason, note, and
 * "Keep access" (`revokeAccess: false`). Each submission has one Idempotency-Key, kept until the
 * API answers for good: a second press while it is in flight is ignored, and pressing again after
 * the network or the server failed re-sends the same key with the same values, so Stripe refunds
 * once. Changed values are a new submission (the API would refuse the old key with a new body).
 */
function refundForm(sale, report) {
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
      const code = error instanceof ApiError ? error.code : 'ERROR';
      const requestId =
        error instanceof ApiError && error.requestId ? ` (request ${error.requestId})` : '';
      report({ outcome: 'error', text: `${code}: ${error.message}${requestId}` });
    }
    isSending = false;
    submit.disabled = false;
  });
  return form;
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
async function showSales() {
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
  const about = `As ${staff.userId}, staff of the organization (the staff token's orgs claim). A refund goes to Stripe at once; the sale changes when Stripe's webhook arrives.`;
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

function showHeader() {
  document.getElementById('buyer').textContent = `Buyer: ${config.customerId}`;
  if (config.stripeDashboardUrl) {
    const attributes = { href: config.stripeDashboardUrl, target: '_blank', rel: 'noopener' };
    document.querySelector('.site-header').append(el('a', attributes, 'Stripe dashboard'));
  }
}

async function start() {
  try {
    const response = await fetch('/config.json', { cache: 'no-store' });
    if (!response.ok) throw new Error(`GET /config.json answered ${response.status}`);
    config = await response.json();
  } catch (error) {
    page.replaceChildren();
    return showError(new ApiError('CONFIG_UNAVAILABLE', `Cannot load settings: ${error.message}`));
  }
  showHeader();
  // The server serves this page for `/`, `/library`, `/mailbox`, `/sales` and `/content/<id>`
  // only; ids are UUIDs (no escapes).
  const match = /^\/content\/([^/]+)$/.exec(location.pathname);
  if (match) showContent(match[1]);
  else if (location.pathname === '/library') showLibrary();
  else if (location.pathname === '/mailbox') showMailbox();
  else if (location.pathname === '/sales') showSales();
  else showCatalogue();
}

start();
