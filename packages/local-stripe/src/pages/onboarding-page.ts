import type { AccountLinks } from '../api/account-links';
import type { StripeStubAccount } from '../api/account-store';
import type { StubPageRequest, StubPageResponse } from '../stripe-stub-types';
import { html, page } from './html';

/** What the hosted onboarding page reads and does. */
export interface OnboardingPageOptions {
  links: AccountLinks;
  /** The connected account (a copy), or undefined. */
  account: (id: string) => StripeStubAccount | undefined;
  /** Stripe's side of onboarding; see `StripeStub.completeAccountOnboarding`. */
  completeOnboarding: (id: string, options: { leaveDue: boolean }) => unknown;
}

const ONBOARDING_PATH = /^\/connect\/onboarding\/([A-Za-z0-9]+)$/;
const HTML_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action *",
  'X-Content-Type-Options': 'nosniff',
};

/**
 * The local stand-in for Stripe's hosted Connect onboarding, at an Account Link's url
 * (`/connect/onboarding/<token>`): `GET` shows the account and two buttons the first time the link
 * is opened while it is live; opened again or expired, it redirects (302) to the link's
 * `refresh_url`, as Stripe's single-use links do. `POST` with `choice=complete` (requirements
 * cleared, transfers active, payouts enabled) or `choice=leave_due` (details submitted, a bank
 * account still due) acts once, then redirects (303) to `return_url`. Undefined for other paths.
 */
export function handleOnboardingPage(
  { method, url, body }: StubPageRequest,
  options: OnboardingPageOptions,
): StubPageResponse | undefined {
  const token = ONBOARDING_PATH.exec(url.pathname)?.[1];
  if (token === undefined || (method !== 'GET' && method !== 'POST')) return undefined;
  const visit = method === 'GET' ? options.links.open(token) : options.links.submit(token);
  if (!visit)
    return {
      status: 404,
      headers: HTML_HEADERS,
      text: page('Onboarding', html`<p>No such account link.</p>`),
    };
  if ('redirectTo' in visit) return redirect(302, visit.redirectTo);
  const { link } = visit;
  if (method === 'POST') {
    const choice = new URLSearchParams(body).get('choice');
    options.completeOnboarding(link.account, { leaveDue: choice === 'leave_due' });
    return redirect(303, link.returnUrl);
  }
  const account = options.account(link.account);
  return {
    status: 200,
    headers: HTML_HEADERS,
    text: page(
      'Onboarding',
      html`<div class="card" data-testid="onboarding" data-account="${link.account}">
<h1>Set up payouts for ${account?.business_profile.name ?? link.account}</h1>
<p class="muted">Local Stripe stands in for Stripe's hosted onboarding (${link.type}). Account
<code data-testid="onboarding-account">${link.account}</code>${account?.email ? html` · ${account.email}` : undefined}.</p>
<p class="muted">Due now: ${account?.requirements.currently_due.join(', ') || 'nothing'}</p>
<form method="post" action="${url.pathname}">
<button class="primary" name="choice" value="complete" data-testid="complete-onboarding">Complete onboarding</button>
<button name="choice" value="leave_due" data-testid="leave-requirements-due">Leave requirements due</button>
</form>
</div>`,
    ),
  };
}

function redirect(status: 302 | 303, location: string): StubPageResponse {
  return { status, headers: { Location: location, 'Cache-Control': 'no-store' }, text: '' };
}
