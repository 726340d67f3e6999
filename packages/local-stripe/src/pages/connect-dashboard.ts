import type { StripeStubAccount } from '../api/account-store';
import type { StripeStubBalance } from '../api/balance-transactions';
import { formatMoney } from '../api/format-money';
import type { StripeStubTransfer } from '../api/transfer-types';
import { type Html, html } from './html';

/** What the dashboard shows of Connect: the platform's balance, its accounts and its transfers. */
export interface ConnectDashboardData {
  platformBalance: StripeStubBalance;
  accounts: ReadonlyArray<{ account: StripeStubAccount; balance: StripeStubBalance }>;
  transfers: ReadonlyArray<StripeStubTransfer>;
}

/**
 * The Connect part of the local dashboard, in the page's style: the platform balance
 * (`platform-balance`), one `account-row` per connected account (status, payouts, `account-balance`,
 * and the buttons "Complete onboarding", "Require information", "Pay out"), one `transfer-row` per
 * transfer (id, destination, amount, reversed, source charge).
 */
export function renderConnectDashboard({
  platformBalance,
  accounts,
  transfers,
}: ConnectDashboardData): Html {
  return html`<h1>Connect</h1>
<p>Platform balance: <strong data-testid="platform-balance">${describeBalance(platformBalance)}</strong> <span class="muted">(available at once here)</span></p>
<div class="card"><h2>Connected accounts</h2><table>
<tr><th>Account</th><th>Status</th><th>Payouts</th><th>Balance</th><th>Actions</th></tr>
${accounts.length > 0 ? accounts.map(renderAccount) : html`<tr><td colspan="5" class="muted">No connected accounts yet.</td></tr>`}
</table></div>
<div class="card"><h2>Transfers</h2><table>
<tr><th>Transfer</th><th>Destination</th><th>Amount</th><th>Reversed</th><th>Source charge</th></tr>
${transfers.length > 0 ? transfers.map(renderTransfer) : html`<tr><td colspan="5" class="muted">No transfers yet.</td></tr>`}
</table></div>`;
}

function renderAccount({
  account,
  balance,
}: {
  account: StripeStubAccount;
  balance: StripeStubBalance;
}): Html {
  const due = account.requirements.currently_due;
  const status =
    due.length > 0
      ? `requirements due: ${due.join(', ')}`
      : account.capabilities.transfers === 'active'
        ? 'transfers active'
        : `transfers ${account.capabilities.transfers ?? 'not requested'}`;
  const action = (path: string, label: string) =>
    html`<form class="inline" method="post" action="/dashboard/accounts/${account.id}/${path}"><button>${label}</button></form>`;
  return html`<tr data-testid="account-row" data-account="${account.id}">
<td><code>${account.id}</code><div class="muted">${account.business_profile.name ?? ''} ${account.email ?? ''}</div></td>
<td data-testid="account-status">${status}</td>
<td data-testid="account-payouts">${account.payouts_enabled ? 'payouts enabled' : 'payouts disabled'}</td>
<td data-testid="account-balance">${describeBalance(balance)}</td>
<td>${action('complete-onboarding', 'Complete onboarding')}${action('require-information', 'Require information')}${action('pay-out', 'Pay out')}</td>
</tr>`;
}

function renderTransfer(transfer: StripeStubTransfer): Html {
  const money = (amount: number) => formatMoney(amount, transfer.currency);
  const reversed = transfer.reversed
    ? 'reversed'
    : transfer.amount_reversed > 0
      ? `${money(transfer.amount_reversed)} reversed`
      : 'not reversed';
  return html`<tr data-testid="transfer-row" data-transfer="${transfer.id}">
<td><code>${transfer.id}</code>${transfer.transfer_group ? html`<div class="muted">${transfer.transfer_group}</div>` : undefined}</td>
<td><code>${transfer.destination}</code></td>
<td data-testid="transfer-amount">${money(transfer.amount)}</td>
<td data-testid="transfer-reversed">${reversed}</td>
<td><code>${transfer.source_transaction ?? 'available balance'}</code></td>
</tr>`;
}

/** `$12.50` (or several currencies joined), what is available. */
function describeBalance(balance: StripeStubBalance): string {
  return balance.available.map(({ amount, currency }) => formatMoney(amount, currency)).join(' + ');
}
