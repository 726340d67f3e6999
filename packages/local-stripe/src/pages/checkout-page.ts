import type { StripeStubCheckoutSession } from '../api/checkout-session-types';
import { formatMoney, fractionDigits } from '../api/format-money';
import type { StripeStubPromotionCode } from '../stripe-stub-types';
import { html, page } from './html';

/** What the buyer can do on the local checkout page (the form's `choice`). */
export const checkoutChoices = [
  'card',
  'delayed_success',
  'delayed_failure',
  'cancel',
  'expire',
] as const;
export type CheckoutChoice = (typeof checkoutChoices)[number];

/** What the page shows besides the session: the code the buyer typed and why it was refused. */
export interface CheckoutPageState {
  promotionCode?: string;
  error?: string;
}

/** The note beside the code field; the codes it names are the ones {@link findDemoPromotionCode} knows. */
export const DEMO_CODES_NOTE = 'demo codes: HALF (50 % off), FREE (100 % off), FIVE ($5 off)';

/**
 * The demo promotion code a buyer typed (case-insensitive, as Stripe's codes are), as the seller
 * would have defined it in Stripe's Dashboard: HALF 50 % off, FREE 100 % off, FIVE 5 major units
 * of the session's currency off. Undefined for any other code.
 */
export function findDemoPromotionCode(
  typed: string,
  currency: string,
): StripeStubPromotionCode | undefined {
  const code = typed.trim().toUpperCase();
  if (code === 'HALF') return { code, percentOff: 50 };
  if (code === 'FREE') return { code, percentOff: 100 };
  if (code === 'FIVE') return { code, amountOff: 5 * 10 ** fractionDigits(currency) };
  return undefined;
}

/**
 * The local hosted-checkout page for an open session: the items, the total in the session's
 * currency, the discount the session was created with, a promotion code field when the session
 * allows codes, a tax line when it has automatic tax, `state.error` above the form, and one button per choice a tester needs (each sends the
 * code). A session that is no longer open gets the page Stripe shows then, with a way back.
 */
export function renderCheckoutPage(
  session: StripeStubCheckoutSession,
  state: CheckoutPageState = {},
): string {
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
  ${
    session.total_details.amount_discount > 0
      ? html`<p class="muted" data-testid="discount">Discount applied: −${formatMoney(session.total_details.amount_discount, session.currency)} of ${formatMoney(session.amount_subtotal, session.currency)}</p>`
      : undefined
  }
  ${session.automatic_tax.enabled ? html`<p class="muted" data-testid="tax">Tax (10 %, computed at payment)</p>` : undefined}
  ${state.error ? html`<div class="error" data-testid="checkout-error">${state.error}</div>` : undefined}
  <form method="post">
    ${
      session.allow_promotion_codes
        ? html`<p>
      <label>Promotion code <input name="promotion_code" value="${state.promotionCode ?? ''}" autocomplete="off"></label>
      <span class="muted" data-testid="demo-codes">${DEMO_CODES_NOTE}</span>
    </p>`
        : undefined
    }
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
