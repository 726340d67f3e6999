import { callStaffApi } from './call-api.js';
import { el } from './dom.js';
import { formatPrice } from './format-price.js';
import { showError } from './show-error.js';

/** `10 %`, `10 % + $0.30`: the fee new sales are sold under. */
function describeFee({ basisPoints, fixedCents, source }) {
  const percent = `${(basisPoints / 100).toLocaleString('en-US')} %`;
  const fixed =
    fixedCents > 0 ? ` + ${formatPrice({ priceCents: fixedCents, currency: 'usd' })}` : '';
  const whose =
    source === 'organization' ? 'agreed with this organization' : 'the platform default';
  return `${percent}${fixed} of each sale (tax excluded), ${whose}`;
}

/** What the account can do, in one line: not set up, transfers active, or what Stripe still needs. */
function describeAccount(status) {
  if (!status.stripeAccountId) return 'Not set up: sales wait until payouts are set up.';
  if (status.transfersActive) {
    return `Transfers active: each sale is paid out to ${status.stripeAccountId}.`;
  }
  const due = status.requirementsDue.length > 0 ? status.requirementsDue.join(', ') : 'nothing yet';
  const reason = status.disabledReason ? ` (${status.disabledReason})` : '';
  return `Onboarding not finished${reason}. Stripe still needs: ${due}.`;
}

/**
 * The button that starts (or resumes) Stripe's hosted onboarding: `POST …/payouts/onboarding`, then
 * the browser goes to the single-use link it answers; Stripe sends it back to
 * `/payouts?onboarding=done`. Disabled while the request is in flight (a second press would only
 * make a second link: the account is created once either way).
 */
function onboardButton(status) {
  const label = status.stripeAccountId ? 'Continue onboarding' : 'Set up payouts';
  const button = el('button', { type: 'button', 'data-testid': 'onboard-button' }, label);
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const { data } = await callStaffApi('/payouts/onboarding', { method: 'POST' });
      location.assign(data.url);
    } catch (error) {
      showError(error);
      button.disabled = false;
    }
  });
  return button;
}

/**
 * The organization's payout status (`GET …/payouts`) as a block: the account, whether transfers
 * are active or what Stripe still needs, payouts to the bank, the platform fee, and the onboarding
 * button until transfers are active.
 */
export function payoutStatus(status) {
  const isDone = status.transfersActive && status.requirementsDue.length === 0;
  const synced = status.syncedAt
    ? ` · read from Stripe ${new Date(status.syncedAt).toLocaleString()}`
    : '';
  return el(
    'div',
    {
      class: 'card payout-status',
      'data-testid': 'payout-status',
      'data-account-id': status.stripeAccountId ?? '',
      'data-transfers-active': String(status.transfersActive),
    },
    el('h2', {}, 'Stripe account'),
    el('p', { 'data-testid': 'payout-account' }, describeAccount(status)),
    el(
      'p',
      { class: 'muted' },
      status.stripeAccountId ?? 'no account',
      status.payoutsEnabled ? ' · payouts to the bank enabled' : ' · payouts to the bank disabled',
      synced,
    ),
    el('p', { 'data-testid': 'platform-fee' }, `Platform fee: ${describeFee(status.platformFee)}`),
    ...(isDone ? [] : [onboardButton(status)]),
  );
}
