// Codex demo: plays the real web app's role for `pnpm dev`, using only the checkout worker's public
// API from the browser (cross-origin, bearer token). No framework, no build step: ES modules the
// browser loads itself, served, with the settings at /config.json, by src/demo-web/ (a fixed list
// of files: a new module must be added there). This one loads the settings and routes.
//
// Pages (routed here by location.pathname), one module each:
//   /               show-catalogue.js: per item, Buy (or "Get it free"), or Owned + Play;
//                   ownership of every item in one call (POST /api/purchases/access)
//   /library        show-library.js: what the buyer may play now (GET /api/library)
//   /mailbox        show-mailbox.js: the e-mails the local mailbox received, newest first
//                   (GET /mailbox.json of this server, re-read every 2 s)
//   /content/<id>   show-content.js: the item: Stripe's success page
//                   (?purchase=success&session_id=…) and cancel page (?purchase=cancelled), and a
//                   player that unlocks while the buyer has access
//   /sales          show-sales.js: the demo organization's sales as its staff sees them (staff
//                   token: GET /api/organizations/<orgId>/sales), a refund form (refund-form.js)
//                   on each refundable one
//                   (POST /api/organizations/<orgId>/purchases/<purchaseId>/refunds)
//   /review         show-review.js: the demo organization's review queue with the staff token
//                   (GET /api/organizations/<orgId>/review-queue?state=open|resolved): each flag
//                   drawn by review-item.js, an open one's actions by review-actions.js
//                   (POST /api/organizations/<orgId>/review-queue/<anomalyId>/actions)
//   /payouts        show-payouts.js: the demo organization's payouts with the staff token: the
//                   Stripe account and the onboarding button (payout-status.js: GET …/payouts,
//                   POST …/payouts/onboarding, then to Stripe's hosted page, back to
//                   /payouts?onboarding=done), the earnings per currency and one row per paid sale
//                   (earnings-tables.js: GET …/earnings/summary, GET …/earnings), and the CSV
//                   (download-earnings.js: GET …/earnings/export with the token)
// Shared: call-api.js (the API client), load-config.js, dom.js, show-error.js (the error line),
// format-price.js, content-path.js, buy-button.js.
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
//   [data-testid="review-list"]       /review: data-state="open|resolved", data-loaded="true" once drawn
//   [data-testid="review-state-open"], [data-testid="review-state-resolved"]  the two lists' links
//   [data-testid="review-item"]       a flag: data-anomaly-id, data-kind, data-state (open|resolved)
//   [data-testid="review-purchase"]   a row of its purchases: data-purchase-id, data-status,
//                                     data-holds-slot, data-flagged (true|false)
//   [data-testid="review-remedy"]     an open flag's suggestion: data-action, data-target-purchase-id
//   [data-testid="review-action"]     an open flag's button: data-action, data-target-purchase-id,
//                                     data-suggested (true|false)
//   [data-testid="review-note"]       the note sent with the action
//   [data-testid="review-result"]     data-outcome="sending|done|error", data-refund-id
//   [data-testid="review-resolution"] a resolved flag: data-resolution, data-resolved-by
//   [data-testid="review-history-entry"]  one action taken: data-action
//   [data-testid="payout-status"]     /payouts: data-account-id (acct_… or empty),
//                                     data-transfers-active (true|false)
//   [data-testid="onboard-button"]    "Set up payouts" / "Continue onboarding" (until transfers
//                                     are active)
//   [data-testid="onboarding-notice"] data-onboarding="done|expired" after Stripe's redirect
//   [data-testid="platform-fee"]      the fee new sales are sold under
//   [data-testid="earnings-summary"]  the totals table; [data-testid="earnings-total"] a currency:
//                                     data-currency and data-<field>-cents (charged, tax,
//                                     stripe-fee, platform-fee, share, due, refunded,
//                                     transferred, reversed)
//   [data-testid="earnings-row"]      a paid sale: data-purchase-id, data-status (the payout's),
//                                     data-transfer-id, data-<field>-cents as above
//   [data-testid="earnings-export"]   downloads earnings-<orgId>.csv

import { ApiError } from './call-api.js';
import { el, page } from './dom.js';
import { config, loadConfig } from './load-config.js';
import { showCatalogue } from './show-catalogue.js';
import { showContent } from './show-content.js';
import { showError } from './show-error.js';
import { showLibrary } from './show-library.js';
import { showMailbox } from './show-mailbox.js';
import { showPayouts } from './show-payouts.js';
import { showReview } from './show-review.js';
import { showSales } from './show-sales.js';

function showHeader() {
  document.getElementById('buyer').textContent = `Buyer: ${config.customerId}`;
  if (config.stripeDashboardUrl) {
    const attributes = { href: config.stripeDashboardUrl, target: '_blank', rel: 'noopener' };
    document.querySelector('.site-header').append(el('a', attributes, 'Stripe dashboard'));
  }
}

async function start() {
  try {
    await loadConfig();
  } catch (error) {
    page.replaceChildren();
    return showError(new ApiError('CONFIG_UNAVAILABLE', `Cannot load settings: ${error.message}`));
  }
  showHeader();
  // The server serves this page for `/`, `/library`, `/mailbox`, `/sales`, `/review`, `/payouts` and
  // `/content/<id>` only; ids are UUIDs (no escapes).
  const match = /^\/content\/([^/]+)$/.exec(location.pathname);
  if (match) showContent(match[1]);
  else if (location.pathname === '/library') showLibrary();
  else if (location.pathname === '/mailbox') showMailbox();
  else if (location.pathname === '/sales') showSales();
  else if (location.pathname === '/review') showReview();
  else if (location.pathname === '/payouts') showPayouts();
  else showCatalogue();
}

start();
