import { formatMoney, fractionDigits } from '../api/format-money';
import type { StripeStubPayment } from '../api/list-payments';
import type { StripeStubRefund } from '../api/money-types';
import { type ConnectDashboardData, renderConnectDashboard } from './connect-dashboard';
import { type Html, html, page } from './html';

/** What the dashboard shows above the list after an action. */
export interface DashboardNotice {
  kind: 'notice' | 'error';
  text: string;
}

/**
 * The local Stripe dashboard: every Checkout Session newest first, with its payment, refunds and
 * dispute, and the seller's actions that fit its state (refund in full or in part, a refund that
 * fails, open a dispute, close it won or lost, settle a bank debit now). A refund the platform
 * issued (its metadata has a `refundRequestId`) says "issued from Codex", with its reason, and
 * "keeps access" when its metadata's `revokeAccess` is `"false"`.
 */
export function renderDashboardPage(
  payments: ReadonlyArray<StripeStubPayment>,
  notice?: DashboardNotice,
  connect?: ConnectDashboardData,
): string {
  const rows = payments.map(renderPayment);
  return page(
    'Local Stripe dashboard',
    html`<h1>Payments</h1>
${notice ? html`<div class="${notice.kind}" data-testid="${notice.kind}">${notice.text}</div>` : undefined}
<p class="muted">Each action emits the events Stripe would and sends them to the webhook worker (see the
<code>pnpm dev</code> output: one line per delivery attempt). Reload to see delayed outcomes.</p>
<div class="card"><table>
<tr><th>Checkout session</th><th>Item</th><th>Amount</th><th>State</th><th>Actions</th></tr>
${rows.length > 0 ? rows : html`<tr><td colspan="5" class="muted">No checkout sessions yet.</td></tr>`}
</table></div>
${connect ? renderConnectDashboard(connect) : undefined}`,
  );
}

function renderPayment(payment: StripeStubPayment): Html {
  const { session, paymentIntent, charge, refunds, dispute, balanceTransaction } = payment;
  const money = (amount: number) => formatMoney(amount, session.currency);
  const item = session.line_items.map((lineItem) => lineItem.name).join(', ');
  const state = [
    html`<div class="status">${session.status} · ${session.payment_status}</div>`,
    paymentIntent ? html`<div class="muted">payment ${paymentIntent.status}</div>` : undefined,
    balanceTransaction
      ? html`<div class="muted" data-testid="charge-fee">Stripe fee ${money(balanceTransaction.fee)}</div>`
      : undefined,
    charge && charge.amount_refunded > 0
      ? html`<div>refunded ${money(charge.amount_refunded)}</div>`
      : undefined,
    refunds.map(
      (refund) =>
        html`<div class="muted" data-testid="refund" data-refund="${refund.id}">refund ${money(refund.amount)} ${refund.status}${renderOrigin(refund)}</div>`,
    ),
    dispute ? html`<div>dispute ${dispute.status}</div>` : undefined,
  ];
  return html`<tr data-testid="payment" data-session="${session.id}">
<td><code>${session.id.slice(0, 20)}…</code><div class="muted">${session.metadata.customerId ?? ''}</div></td>
<td>${item}</td>
<td>${money(session.amount_total)}</td>
<td>${state}</td>
<td>${renderActions(payment)}</td>
</tr>`;
}

/** Who issued a refund: nothing for the Dashboard's own, the platform's request for Codex's. */
function renderOrigin({ metadata, reason }: StripeStubRefund): Html | undefined {
  if (!metadata.refundRequestId) return undefined;
  const title = `refund request ${metadata.refundRequestId}, purchase ${metadata.purchaseId ?? '?'}`;
  return html` · <span class="origin" data-testid="refund-origin" title="${title}">issued from Codex</span>${reason ? ` · ${reason}` : undefined}${
    metadata.revokeAccess === 'false'
      ? html` · <strong data-testid="keeps-access">keeps access</strong>`
      : undefined
  }`;
}

function renderActions({ session, paymentIntent, charge, dispute }: StripeStubPayment): Html {
  if (paymentIntent?.status === 'processing') {
    const settle = `/dashboard/sessions/${session.id}/settle`;
    return html`<form class="inline" method="post" action="${settle}"><button name="outcome" value="succeeded">Settle: succeeds</button><button name="outcome" value="failed">Settle: fails</button></form>`;
  }
  if (!paymentIntent || !charge || charge.status !== 'succeeded') return html``;
  const actions: Html[] = [];
  const refundable = charge.amount - charge.amount_refunded;
  const refund = `/dashboard/payment_intents/${paymentIntent.id}/refunds`;
  const digits = fractionDigits(session.currency);
  const isDisputeOpen = dispute?.status === 'needs_response' || dispute?.status === 'under_review';
  // Stripe refuses refunds of a charge while its dispute is open.
  if (refundable > 0 && !isDisputeOpen) {
    actions.push(html`<form method="post" action="${refund}">
<button class="danger" name="outcome" value="succeeds">Refund in full</button>
<button name="outcome" value="fails">Refund that fails</button>
</form>
<form method="post" action="${refund}">
<input name="amount" placeholder="${(refundable / 10 ** digits).toFixed(digits)}" aria-label="Partial refund amount">
<button name="outcome" value="succeeds">Refund this amount</button>
</form>`);
  }
  if (!dispute) {
    actions.push(
      html`<form method="post" action="/dashboard/payment_intents/${paymentIntent.id}/disputes"><button>Open a dispute</button></form>`,
    );
  } else if (isDisputeOpen) {
    actions.push(html`<form method="post" action="/dashboard/disputes/${dispute.id}/close">
<button name="outcome" value="won">Close dispute: won</button>
<button name="outcome" value="lost">Close dispute: lost</button>
</form>`);
  }
  return html`${actions}`;
}
