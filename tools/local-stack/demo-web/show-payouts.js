import { callStaffApi } from './call-api.js';
import { el, page } from './dom.js';
import { earningsExportLink } from './download-earnings.js';
import { earningsLedger, earningsSummary } from './earnings-tables.js';
import { config } from './load-config.js';
import { payoutStatus } from './payout-status.js';
import { clearError, showError } from './show-error.js';

// Back from Stripe's onboarding the account changes when its account.updated webhook lands.
const STATUS_POLL_MS = 1_000;
const STATUS_POLL_LIMIT_MS = 30_000;
const EARNINGS_PAGE_LIMIT = 50;

const ONBOARDING_NOTES = {
  done: "Back from Stripe's onboarding.",
  expired:
    'The onboarding link expired or was used already: press "Continue onboarding" for a new one.',
};

function wait(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Reads one staff route; undefined when it failed (the error is shown under `source`). */
async function read(path, source) {
  try {
    const answer = await callStaffApi(path);
    clearError(source);
    return answer;
  } catch (error) {
    showError(error, source);
    return undefined;
  }
}

/**
 * Back from onboarding (`?onboarding=done`): re-reads the status every second, up to 30 s, until
 * its account.updated webhook landed: the details are submitted (transfers active, or Stripe says
 * what it still needs). Before that the account still shows what it needed when it was created.
 */
async function awaitAccountUpdate(status, draw, note) {
  const deadline = Date.now() + STATUS_POLL_LIMIT_MS;
  let current = status;
  while (!current.transfersActive && !current.detailsSubmitted) {
    if (Date.now() > deadline) {
      note.textContent = `${ONBOARDING_NOTES.done} Stripe's account.updated has not arrived after 30 s: reload to check.`;
      return;
    }
    note.textContent = `${ONBOARDING_NOTES.done} Waiting for Stripe's account.updated webhook…`;
    await wait(STATUS_POLL_MS);
    current = (await read('/payouts', 'payouts'))?.data ?? current;
  }
  note.textContent = ONBOARDING_NOTES.done;
  draw(current);
}

/**
 * The demo organization's payouts as its staff sees them (staff token): the Stripe account and
 * the onboarding button (`GET …/payouts`, `POST …/payouts/onboarding`), the earnings per currency
 * (`GET …/earnings/summary`), the ledger, one row per paid sale, newest first, the first 50
 * (`GET …/earnings`), and the CSV export (`GET …/earnings/export`).
 */
export async function showPayouts() {
  document.title = 'Payouts · Codex demo';
  if (!config.staff) {
    const none = 'No staff token: `pnpm dev` gives this page one for the demo organization.';
    page.replaceChildren(el('h1', {}, 'Payouts'), el('p', { class: 'muted' }, none));
    return;
  }
  const { staff } = config;
  const onboarding = new URLSearchParams(location.search).get('onboarding');
  const note = el('p', {
    class: 'notice',
    'data-testid': 'onboarding-notice',
    'data-onboarding': onboarding ?? '',
  });
  note.textContent = ONBOARDING_NOTES[onboarding] ?? '';
  note.hidden = !ONBOARDING_NOTES[onboarding];
  let status = el('div', { 'data-testid': 'payout-status-loading' });
  const summary = el('div');
  const ledger = el('div');
  const about = `As ${staff.userId}. Each paid sale is transferred to the organization's Stripe account less the platform fee (Stripe's fee is the platform's); a refund takes back its share in proportion.`;
  page.replaceChildren(
    el('h1', {}, `Payouts · ${staff.organizationName}`),
    el('p', { class: 'muted' }, about),
    note,
    status,
    el('h2', {}, 'Earnings'),
    summary,
    el('h2', {}, 'Sales'),
    ledger,
    earningsExportLink(),
  );
  const draw = (data) => {
    const next = payoutStatus(data);
    status.replaceWith(next);
    status = next;
  };

  const [statusAnswer, summaryAnswer, ledgerAnswer] = await Promise.all([
    read('/payouts', 'payouts'),
    read('/earnings/summary', 'earnings-summary'),
    read(`/earnings?limit=${EARNINGS_PAGE_LIMIT}`, 'earnings'),
  ]);
  if (statusAnswer) draw(statusAnswer.data);
  const unread = (what) => el('p', {}, `The ${what} could not be read (see the error above).`);
  summary.replaceChildren(
    summaryAnswer ? earningsSummary(summaryAnswer.data.currencies) : unread('earnings'),
  );
  ledger.replaceChildren(
    ledgerAnswer ? earningsLedger(ledgerAnswer.data) : unread('sales'),
    ...(ledgerAnswer?.nextCursor
      ? [el('p', { class: 'muted' }, `The newest ${EARNINGS_PAGE_LIMIT} sales.`)]
      : []),
  );
  if (statusAnswer && onboarding === 'done') awaitAccountUpdate(statusAnswer.data, draw, note);
}
