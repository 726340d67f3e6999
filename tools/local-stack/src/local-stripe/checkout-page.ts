import type { StripeStubCheckoutSession } from '@codex/test-utils';
import { formatMoney, html, page } from './html';

/** What the buyer can do on the local checkout page (the form's `choice`). */
export const checkoutChoices = [
  'card',
  'delayed_success',
  'delayed_failure',
  'cancel',
  'expire',
] as const;
export type CheckoutChoice = (typeof checkoutChoices)[number];

/**
 * The local hosted-checkout page for an open session: the items, the total in the session's
 * currency, and one button per choice a tester needs. A session that is no longer open gets the
 * page Stripe shows then, with a way back to the seller.
 */
export function renderCheckoutPage(session: StripeStubCheckoutSession): string {
  const total = formatMoney(session.amount_total, session.currency);
  if (session.status !== 'open') {
    const sentence =
      session.status === 'expired'
        ? 'This checkout session has expired.'
        : 'This checkout session is already paid.';
    return page(
      'Checkout',
      html`<div class="card" data-testid="checkout-closed" data-status="${session.status}">
  <h1>${sentence}</h1>
  <p><a href="${session.status === 'expired' ? session.cancel_url : successUrl(session)}">Return to the seller</a></p>
</div>`,
    );
  }
  const items = session.line_items.map(
    (item) => html`<div class="item">
  <h2 data-testid="item-name">${item.name}</h2>
  ${item.description ? html`<p class="muted">${item.description}</p>` : undefined}
  <p class="muted">${item.quantity} × ${formatMoney(item.unit_amount, item.currency)}</p>
</div>`,
  );
  const expires = new Date(session.expires_at * 1000).toISOString().replace('T', ' ').slice(0, 16);
  return page(
    `Pay ${total}`,
    html`<div class="card" data-testid="checkout-page">
  <p class="muted">Codex (test mode)</p>
  ${items}
  <div class="price" data-testid="total">${total} <span class="muted">${session.currency.toUpperCase()}</span></div>
  <form method="post">
    <p><button class="primary" name="choice" value="card">Pay ${total} by card</button></p>
    <p>
      <button name="choice" value="delayed_success">Bank debit that succeeds later</button>
      <button name="choice" value="delayed_failure">Bank debit that fails later</button>
    </p>
    <p>
      <button name="choice" value="cancel">← Cancel and go back</button>
      <button name="choice" value="expire">Let it expire now</button>
    </p>
  </form>
  <p class="muted">Session ${session.id} · expires ${expires} UTC</p>
</div>`,
  );
}

/** The session's success URL with Stripe's `{CHECKOUT_SESSION_ID}` template filled in. */
export function successUrl(session: StripeStubCheckoutSession): string {
  return session.success_url.replaceAll('{CHECKOUT_SESSION_ID}', session.id);
}
