import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { handledStripeEventTypes } from '@codex/purchases';
import { signBuyerToken } from '@codex/security';
import { type Browser, chromium, type Page, type Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { DEMO_STAFF_ID, demoIds } from './demo-data';
import { chromiumArgs, findChromium } from './find-chromium';
import type { DevEnvironment } from './start-dev-environment';
import { repositoryRoot } from './start-local-stack';
import * as drive from './testing/drive-dev-environment';
import { eventually, WAIT_MS } from './testing/drive-dev-environment';
import {
  startTestDevEnvironment,
  type TestDevEnvironment,
} from './testing/start-test-dev-environment';

// The whole paid purchase as a buyer and a seller see it, in a real headless Chromium: the demo
// web app (through CORS, with the buyer's token; its /sales page with the staff's), the local
// Stripe's checkout page and dashboard, both workers in wrangler dev, webhooks delivered and
// retried by the local Stripe. Everything is what `pnpm dev` starts (startDevEnvironment), on free
// ports and a fresh database.
const JWT_SECRET = 'browser-buyer-token-secret-0123456789abcdef';
const SCREENSHOTS = join(repositoryRoot, 'tools/local-stack/.artifacts/browser');
/** Short, so the player's grant refresh (every half lifetime) is seen within a test's wait. */
const GRANT_LIFETIME_SECONDS = 10;

const executablePath = findChromium();
const isCi = process.env.CI === 'true' || process.env.CI === '1';
if (!executablePath && !isCi) {
  console.warn(
    'demo.browser.test: no Chromium found, browser tests skipped (CI fails instead). Install it with `apt-get install -y chromium` or set CHROMIUM_PATH.',
  );
}

let dev: DevEnvironment | undefined;
let browser: Browser | undefined;
let page: Page;
let environment: TestDevEnvironment | undefined;
let step = 0;
const logLines: string[] = [];

function running(): DevEnvironment {
  if (!dev) throw new Error('the dev environment did not start');
  return dev;
}

async function screenshot(name: string): Promise<void> {
  step += 1;
  await page.screenshot({
    path: join(SCREENSHOTS, `${String(step).padStart(2, '0')}-${name}.png`),
    fullPage: true,
  });
}

/** The paid demo item's card in the catalogue. */
const paidCard = () => page.getByTestId(`item-${demoIds.paidContent}`);

/**
 * Opens the mailbox page and waits until it shows exactly `count` messages with `subject`, firing
 * the webhook worker's cron while it waits (rows the queue did not carry are queued by the cron).
 */
async function mailboxShows(subject: string, count: number): Promise<void> {
  const { webApp } = running();
  await page.goto(`${webApp.url}/mailbox`);
  const messages = page.locator(`[data-testid="mailbox-message"][data-subject="${subject}"]`);
  const deadline = Date.now() + WAIT_MS;
  while ((await messages.count()) < count && Date.now() < deadline) {
    await running()
      .fireCron()
      .catch(() => undefined);
    await page.waitForTimeout(1_000);
  }
  expect(await messages.count()).toBe(count);
}

async function playerShows(access: 'locked' | 'unlocked'): Promise<void> {
  await page.waitForSelector(`[data-testid="player"][data-access="${access}"]`, {
    timeout: WAIT_MS,
  });
}

/** Buys the paid item by card from the catalogue; resolves, player unlocked, with the session id. */
async function buyByCard(): Promise<string> {
  const { webApp, stripe } = running();
  await page.goto(webApp.url);
  await paidCard().getByTestId('buy').click();
  await page.waitForURL(`${stripe?.url}/c/pay/**`);
  await page.getByRole('button', { name: /by card/ }).click();
  await page.waitForURL(`${webApp.url}/content/${demoIds.paidContent}?purchase=success**`);
  await playerShows('unlocked');
  const sessionId = new URL(page.url()).searchParams.get('session_id');
  expect(sessionId).toMatch(/^cs_test_/);
  return String(sessionId);
}

/** Opens /sales: the one completed sale (the others refunded or failed) and its row. */
async function completedSale() {
  const { webApp } = running();
  await page.goto(`${webApp.url}/sales`);
  const completed = page.locator('[data-testid="sale"][data-status="completed"]');
  await completed.first().waitFor({ timeout: WAIT_MS });
  expect(await completed.count()).toBe(1);
  const purchaseId = String(await completed.getAttribute('data-purchase-id'));
  return { purchaseId, row: saleRow(purchaseId) };
}

function saleRow(purchaseId: string) {
  return page.locator(`[data-testid="sale"][data-purchase-id="${purchaseId}"]`);
}

/** Waits for the row's refund answer, expects it accepted, and resolves with the refund id. */
async function refundAccepted(row: ReturnType<typeof saleRow>): Promise<string> {
  const result = row.locator(
    '[data-testid="refund-result"]:is([data-outcome="accepted"], [data-outcome="error"])',
  );
  await result.waitFor({ timeout: WAIT_MS });
  expect(await result.getAttribute('data-outcome'), String(await result.textContent())).toBe(
    'accepted',
  );
  const refundId = String(await result.getAttribute('data-refund-id'));
  expect(refundId).toMatch(/^re_/);
  return refundId;
}

/** Waits until /sales shows the sale with `status` (the page reads the list again by itself). */
async function saleShows(purchaseId: string, status: string): Promise<void> {
  await page.waitForSelector(
    `[data-testid="sale"][data-purchase-id="${purchaseId}"][data-status="${status}"]`,
    { timeout: WAIT_MS },
  );
}

/** The refunds the local Stripe holds for a checkout session's payment. */
function refundsAtStripe(sessionId: string) {
  const payment = running()
    .stripe?.stub.listPayments()
    .find((each) => each.session.id === sessionId);
  return payment?.refunds ?? [];
}

const callApi = (path: string, token: string, init?: { method?: string; body?: unknown }) =>
  drive.callApi(running(), path, token, init);
const stubAction = (name: string, body: Record<string, unknown>) =>
  drive.stubAction(running(), name, body);
const buyAndPay = (token: string) => drive.buyAndPay(running(), token);
const purchaseShows = (token: string, purchaseId: string, status: string) =>
  drive.purchaseShows(running(), token, purchaseId, status);
const buyerHasAccess = (token: string) => drive.buyerHasAccess(running(), token);

/** The open duplicate_payment flag of `customerId`, once the queue shows it. */
async function openFlagOf(customerId: string) {
  const { staff } = running();
  const read = async () => {
    const path = `/api/organizations/${staff.organizationId}/review-queue?state=open`;
    const { data } = (await callApi(path, staff.token)) as {
      data: Array<{ anomalyId: string; kind: string; customerId: string }>;
    };
    return data.find((item) => item.customerId === customerId);
  };
  const flag = await eventually(`the flag of ${customerId}`, read, (item) => item !== undefined);
  if (!flag) throw new Error('unreachable');
  return flag;
}

/**
 * A second browser page on the demo web app as another buyer: its `/config.json` carries that
 * buyer's token (what `pnpm dev` hands out is the demo buyer's, who already owns the item here).
 * Closed when the test ends.
 */
async function pageAsBuyer(customerId: string): Promise<{ buyerPage: Page; token: string }> {
  const { webApp } = running();
  if (!browser) throw new Error('the browser did not start');
  const token = await signBuyerToken({ secret: JWT_SECRET, customerId });
  const buyerPage = await browser.newPage({ viewport: { width: 1000, height: 760 } });
  onTestFinished(() => buyerPage.close());
  await buyerPage.route(`${webApp.url}/config.json`, async (route) => {
    const response = await route.fetch();
    const config = (await response.json()) as Record<string, unknown>;
    await route.fulfill({ response, json: { ...config, token, customerId } });
  });
  return { buyerPage, token };
}

/**
 * Opens /payouts (again every second) until the sale's ledger row has `status`; the row. The
 * payout steps follow Stripe's webhooks, after the response that acknowledged them.
 */
async function payoutShows(purchaseId: string, status: string) {
  const { webApp } = running();
  const row = page.locator(`[data-testid="earnings-row"][data-purchase-id="${purchaseId}"]`);
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    await page.goto(`${webApp.url}/payouts`);
    await page.getByTestId('earnings-ledger').waitFor({ timeout: WAIT_MS });
    const now = (await row.count()) > 0 ? await row.getAttribute('data-status') : 'absent';
    if (now === status) return row;
    if (Date.now() > deadline) throw new Error(`payout of ${purchaseId}: still ${now}`);
    await page.waitForTimeout(1_000);
  }
}

/** A ledger row's or a total's money field in cents (`data-<field>-cents`). */
async function centsOf(row: ReturnType<Page['locator']>, field: string): Promise<number> {
  const value = await row.getAttribute(`data-${field}-cents`);
  expect(value, field).toMatch(/^-?\d+$/);
  return Number(value);
}

/** `$22.50` as the local Stripe's dashboard shows a USD amount → 2250. */
function dollarsToCents(text: string | null): number {
  const match = /^\$([\d,]+)\.(\d{2})$/.exec((text ?? '').trim());
  if (!match) throw new Error(`not a dollar amount: ${text}`);
  return Number((match[1] ?? '').replaceAll(',', '')) * 100 + Number(match[2]);
}

// Outside CI a machine without Chromium skips; in CI the missing browser fails beforeAll.
describe.skipIf(!executablePath && !isCi)(
  'the paid purchase in a real browser',
  { timeout: 60_000 },
  () => {
    beforeAll(async () => {
      if (!executablePath) {
        throw new Error(
          "Chromium is not installed, so the browser test cannot run. `.ci/run` installs Debian's `chromium`; elsewhere run `apt-get install -y chromium` or set CHROMIUM_PATH.",
        );
      }
      await rm(SCREENSHOTS, { recursive: true, force: true });
      await mkdir(SCREENSHOTS, { recursive: true });
      environment = await startTestDevEnvironment({
        jwtSecret: JWT_SECRET,
        customerId: 'user_browser_test',
        grantLifetimeSeconds: GRANT_LIFETIME_SECONDS,
        log: (line) => logLines.push(line),
      });
      dev = environment.dev;
      browser = await chromium.launch({
        executablePath,
        // The player story presses play from the test, not with a person's gesture.
        args: [...chromiumArgs, '--autoplay-policy=no-user-gesture-required'],
      });
      page = await browser.newPage({ viewport: { width: 1000, height: 760 } });
    });

    afterAll(async () => {
      await browser?.close();
      await environment?.stop();
    });

    it('pays by card, unlocks the player, and locks it again after a refund in the dashboard', async () => {
      const { webApp, stripe } = running();
      await page.goto(webApp.url);
      await paidCard().getByTestId('buy').waitFor();
      expect(await paidCard().getByTestId('owned-badge').count()).toBe(0);
      await screenshot('catalogue');

      await paidCard().getByTestId('buy').click();
      await page.waitForURL(`${stripe?.url}/c/pay/**`);
      await expect(page.getByTestId('item-name').textContent()).resolves.toContain(
        'Mastering Sourdough',
      );
      await expect(page.getByTestId('total').textContent()).resolves.toMatch(/\$15\.00\s+USD/);
      await screenshot('local-checkout-page');

      await page.getByRole('button', { name: /by card/ }).click();
      await page.waitForURL(`${webApp.url}/content/${demoIds.paidContent}?purchase=success**`);
      const sessionId = new URL(page.url()).searchParams.get('session_id');
      expect(sessionId).toMatch(/^cs_test_/);
      await page.waitForSelector('[data-testid="purchase-status"][data-status="completed"]', {
        timeout: WAIT_MS,
      });
      await playerShows('unlocked');
      await screenshot('success-page-unlocked');

      // The confirmation e-mail, once, in the local mailbox.
      await mailboxShows('Your purchase: Mastering Sourdough (paid demo)', 1);
      await screenshot('mailbox');

      await page.goto(webApp.url);
      await paidCard().getByTestId('owned-badge').waitFor({ timeout: WAIT_MS });
      await screenshot('catalogue-owned');

      await page.goto(`${stripe?.url}/`);
      const row = page.locator(`[data-testid="payment"][data-session="${sessionId}"]`);
      await row.getByRole('button', { name: 'Refund in full' }).click();
      await page.getByTestId('notice').waitFor();
      await expect(page.getByTestId('notice').textContent()).resolves.toMatch(
        /refund\.created, charge\.refunded/,
      );
      await screenshot('dashboard-refunded');

      await page.goto(`${webApp.url}/content/${demoIds.paidContent}`);
      await playerShows('locked');
      await screenshot('player-locked-after-refund');

      await mailboxShows('Access ended: Mastering Sourdough (paid demo)', 1);
      await mailboxShows('Your purchase: Mastering Sourdough (paid demo)', 1);
      await screenshot('mailbox-access-ended');
    });

    it('a bank debit that fails leaves the player locked and the item buyable again', async () => {
      const { webApp, stripe } = running();
      await page.goto(webApp.url);
      await paidCard().getByTestId('buy').click();
      await page.waitForURL(`${stripe?.url}/c/pay/**`);
      const firstCheckout = page.url();
      await page.getByRole('button', { name: 'Bank debit that fails later' }).click();
      await page.waitForURL(`${webApp.url}/content/${demoIds.paidContent}?purchase=success**`);
      await page.waitForSelector('[data-testid="purchase-status"][data-status="failed"]', {
        timeout: WAIT_MS,
      });
      await playerShows('locked');
      await screenshot('delayed-payment-failed');

      await page.goto(webApp.url);
      expect(await paidCard().getByTestId('owned-badge').count()).toBe(0);
      await paidCard().getByTestId('buy').click();
      await page.waitForURL(`${stripe?.url}/c/pay/**`);
      // A new checkout: the failed one released the purchase slot.
      expect(page.url()).not.toBe(firstCheckout);
      await screenshot('buyable-again');

      await page.getByRole('button', { name: /Cancel/ }).click();
      await page.waitForURL(`${webApp.url}/content/${demoIds.paidContent}?purchase=cancelled`);
      await page.getByTestId('cancelled-notice').waitFor();
      await playerShows('locked');
      await screenshot('checkout-cancelled');
    });

    it('refunds from Codex as staff on /sales: once however often pressed, ending access or keeping it', async () => {
      const { webApp, stripe } = running();
      // The Idempotency-Key of each refund request the page sends.
      const refundPosts: string[] = [];
      const onRequest = (request: Request) => {
        if (request.method() === 'POST' && request.url().endsWith('/refunds')) {
          refundPosts.push(request.headers()['idempotency-key'] ?? '');
        }
      };
      page.on('request', onRequest);
      onTestFinished(() => {
        page.off('request', onRequest);
      });

      // In full, access ended, the Refund button pressed twice: one request, one Stripe refund.
      const firstSession = await buyByCard();
      const first = await completedSale();
      expect(await first.row.getByTestId('refund-amount').inputValue()).toBe('15.00');
      expect(await first.row.getByTestId('refund-keep-access').isChecked()).toBe(false);
      await first.row.getByTestId('refund-submit').dblclick();
      const firstRefundId = await refundAccepted(first.row);
      await saleShows(first.purchaseId, 'refunded');
      expect(refundPosts).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/)]);
      await page.goto(`${webApp.url}/content/${demoIds.paidContent}`);
      await playerShows('locked');

      const firstRefunds = refundsAtStripe(firstSession);
      expect(firstRefunds).toEqual([
        expect.objectContaining({
          id: firstRefundId,
          amount: 1_500,
          reason: 'requested_by_customer',
          metadata: expect.objectContaining({
            purchaseId: first.purchaseId,
            organizationId: demoIds.organization,
            revokeAccess: 'true',
          }),
        }),
      ]);
      await page.goto(`${stripe?.url}/`);
      const firstPayment = page.locator(`[data-testid="payment"][data-session="${firstSession}"]`);
      expect(await firstPayment.getByTestId('refund').count()).toBe(1);
      expect(await firstPayment.getByTestId('refund-origin').textContent()).toBe(
        'issued from Codex',
      );
      expect(await firstPayment.getByTestId('keeps-access').count()).toBe(0);

      // Bought again, refunded in full with "Keep access": the sale is refunded, the player plays.
      const secondSession = await buyByCard();
      const second = await completedSale();
      await second.row.getByTestId('refund-reason').selectOption('other');
      await second.row.getByTestId('refund-note').fill('Goodwill: the video stuttered');
      await second.row.getByTestId('refund-keep-access').check();
      await screenshot('sales-refund-form');
      await second.row.getByTestId('refund-submit').click();
      const secondRefundId = await refundAccepted(second.row);
      await saleShows(second.purchaseId, 'refunded');
      const saleRow = (purchaseId: string) =>
        page.locator(`[data-testid="sale"][data-purchase-id="${purchaseId}"]`);
      expect(await saleRow(second.purchaseId).getAttribute('data-has-access')).toBe('true');
      expect(await saleRow(second.purchaseId).textContent()).toContain('access kept');
      expect(await saleRow(first.purchaseId).getAttribute('data-has-access')).toBe('false');
      await screenshot('sales-refunded');
      expect(refundPosts).toHaveLength(2);
      expect(refundPosts[1]).not.toBe(refundPosts[0]);
      await page.goto(`${webApp.url}/content/${demoIds.paidContent}`);
      await playerShows('unlocked');
      // Still unlocked after the player's next access check, two seconds later.
      await page.waitForTimeout(2_500);
      expect(await page.getByTestId('player').getAttribute('data-access')).toBe('unlocked');

      expect(refundsAtStripe(secondSession)).toEqual([
        expect.objectContaining({
          id: secondRefundId,
          amount: 1_500,
          // "other" is not a Stripe reason: the refund has none.
          reason: null,
          metadata: expect.objectContaining({
            purchaseId: second.purchaseId,
            revokeAccess: 'false',
          }),
        }),
      ]);
      await page.goto(`${stripe?.url}/`);
      const secondPayment = page.locator(
        `[data-testid="payment"][data-session="${secondSession}"]`,
      );
      expect(await secondPayment.getByTestId('refund-origin').textContent()).toBe(
        'issued from Codex',
      );
      expect(await secondPayment.getByTestId('keeps-access').textContent()).toBe('keeps access');
      await screenshot('dashboard-refunds-from-codex');
    });

    it('delivered every event the endpoint subscribes to, one log line per attempt, each accepted', async () => {
      const { stripe } = running();
      await stripe?.idle();
      const subscribed = new Set<string>(handledStripeEventTypes);
      const sent = (stripe?.stub.events ?? []).filter((event) => subscribed.has(event.type));
      expect(sent.map((event) => event.type)).toEqual(
        expect.arrayContaining([
          'checkout.session.completed',
          'refund.created',
          'charge.refunded',
          'checkout.session.async_payment_failed',
        ]),
      );
      const attempts = logLines.filter((line) => line.startsWith('[stripe] webhook evt_'));
      let checked = 0;
      for (const event of sent) {
        const lines = attempts.filter((line) => line.includes(event.id));
        checked += lines.length;
        // Every event is accepted first time, on the embedded database too (its socket server no
        // longer mixes two connections' statements: serveEmbeddedPostgres).
        expect(lines).toEqual([
          expect.stringMatching(
            new RegExp(`webhook ${event.id} ${event.type} → 200 in \\d+ ms \\(attempt 1\\)$`),
          ),
        ]);
      }
      // Nothing else was sent: one line per attempt at a subscribed event.
      expect(attempts).toHaveLength(checked);
    });

    // Issue 21's double payment, resolved from the review queue. The buyer's side is set up over
    // HTTP (the buyer's API and the local Stripe's `/__stub/actions/*`, exactly what the README
    // tells a person to do by hand); only the staff's part is done in the browser.
    it('resolves a double payment from /review: the suggested refund of the newer payment, access kept', async () => {
      const { webApp, stripe } = running();
      const customerId = 'user_double_payment';
      const token = await signBuyerToken({ secret: JWT_SECRET, customerId });

      // A paid; a full refund of A pending (the purchase gives up its slot); the buyer buys again
      // (B, paid); then A's refund fails: two payments for one item, A flagged.
      const older = await buyAndPay(token);
      const { refund } = (await stubAction('create-refund', {
        paymentIntentId: older.paymentIntentId,
        status: 'pending',
      })) as { refund: { id: string } };
      await eventually(
        'access after the pending refund',
        () => buyerHasAccess(token),
        (has) => !has,
      );
      const newer = await buyAndPay(token);
      await stubAction('update-refund', { refundId: refund.id, status: 'failed' });
      const flag = await openFlagOf(customerId);
      expect(flag.kind).toBe('duplicate_payment');

      await page.goto(`${webApp.url}/review`);
      const item = page.locator(`[data-testid="review-item"][data-anomaly-id="${flag.anomalyId}"]`);
      await item.waitFor({ timeout: WAIT_MS });
      expect(await item.getAttribute('data-kind')).toBe('duplicate_payment');
      const remedy = item.getByTestId('review-remedy');
      expect(await remedy.getAttribute('data-action')).toBe('refund_payment');
      expect(await remedy.getAttribute('data-target-purchase-id')).toBe(newer.purchaseId);
      expect(await remedy.textContent()).toMatch(/paid twice/);
      const row = (id: string) =>
        item.locator(`[data-testid="review-purchase"][data-purchase-id="${id}"]`);
      expect(await row(older.purchaseId).getAttribute('data-flagged')).toBe('true');
      expect(await row(newer.purchaseId).getAttribute('data-holds-slot')).toBe('true');
      expect(await item.getByTestId('review-stripe-refund').getAttribute('data-refund-id')).toBe(
        refund.id,
      );
      // One refund button per paid purchase, the suggested one (B) highlighted.
      const refundButtons = item.locator(
        '[data-testid="review-action"][data-action="refund_payment"]',
      );
      expect(await refundButtons.count()).toBe(2);
      const suggested = item.locator('[data-testid="review-action"][data-suggested="true"]');
      expect(await suggested.getAttribute('data-target-purchase-id')).toBe(newer.purchaseId);
      await screenshot('review-double-payment');

      await item.getByTestId('review-note').fill('Paid twice: the newer payment goes back');
      await suggested.click();
      const result = item.locator(
        '[data-testid="review-result"]:is([data-outcome="done"], [data-outcome="error"])',
      );
      await result.waitFor({ timeout: WAIT_MS });
      expect(await result.getAttribute('data-outcome'), String(await result.textContent())).toBe(
        'done',
      );
      const refundId = String(await result.getAttribute('data-refund-id'));
      expect(refundId).toMatch(/^re_/);
      await screenshot('review-refund-done');

      // Stripe's webhooks for B's refund land: B refunded, the buyer plays through A.
      await stripe?.idle();
      await purchaseShows(token, newer.purchaseId, 'refunded');
      await purchaseShows(token, older.purchaseId, 'completed');
      expect(await buyerHasAccess(token)).toBe(true);

      await page.goto(`${webApp.url}/review?state=resolved`);
      const resolved = page.locator(
        `[data-testid="review-item"][data-anomaly-id="${flag.anomalyId}"]`,
      );
      await resolved.waitFor({ timeout: WAIT_MS });
      expect(await resolved.getAttribute('data-state')).toBe('resolved');
      const resolution = resolved.getByTestId('review-resolution');
      expect(await resolution.getAttribute('data-resolution')).toBe('refund_payment');
      expect(await resolution.getAttribute('data-resolved-by')).toBe(DEMO_STAFF_ID);
      expect(await resolution.textContent()).toContain('Paid twice: the newer payment goes back');
      const history = resolved.getByTestId('review-history-entry');
      expect(await history.count()).toBe(1);
      expect(await history.textContent()).toContain(refundId);
      expect(await resolved.getByTestId('review-action').count()).toBe(0);
      expect(await resolved.getByTestId('review-remedy').count()).toBe(0);
      await screenshot('review-resolved');

      await page.goto(`${webApp.url}/review`);
      await page.waitForSelector('[data-testid="review-list"][data-loaded="true"]');
      expect(await page.locator(`[data-anomaly-id="${flag.anomalyId}"]`).count()).toBe(0);
    });

    // Issue 22: the organization gets paid. Its owner onboards with Stripe Connect from /payouts
    // (the local Stripe's hosted onboarding page); a buyer then buys through the real checkout
    // page; the sale's share (price less the platform fee) is transferred to the organization's
    // account, and a partial refund from /sales takes back the same part of it. Every payout step
    // follows a webhook (account.updated on the Connect endpoint, the payment's and the refund's
    // events on the payment endpoint); the cron is never fired here. Last, because its Connect
    // deliveries are not the payment endpoint's (the delivery test above counts those).
    it('plays the demo media through the media gate with a refreshed grant, and stops within the bound after a refund', async () => {
      const { webApp, mediaGate } = running();
      const { buyerPage, token } = await pageAsBuyer('user_browser_player');
      const { paymentIntentId } = await buyAndPay(token);
      // Every request the <video> element makes to the gate, with its Range header and answer.
      const mediaRequests: Array<{ range: string | undefined; status: number }> = [];
      buyerPage.on('response', (response) => {
        if (!response.url().startsWith(`${mediaGate?.url}/media/`)) return;
        const range = response.request().headers().range;
        mediaRequests.push({ range, status: response.status() });
      });

      await buyerPage.goto(`${webApp.url}/content/${demoIds.paidContent}`);
      const player = buyerPage.getByTestId('player');
      await buyerPage.waitForSelector('[data-testid="player"][data-playback="ready"]', {
        timeout: WAIT_MS,
      });
      // No DOM types here: the element is typed by what the test calls on it.
      const media = buyerPage.getByTestId('media');
      await media.evaluate((video: { play: () => Promise<void> }) => video.play());
      const playedFor = () => media.evaluate((video: { currentTime: number }) => video.currentTime);
      await eventually('the media playing', playedFor, (seconds) => seconds > 1);
      expect(await player.getAttribute('data-playback')).toBe('playing');
      expect(mediaRequests.length).toBeGreaterThan(0);
      expect(
        mediaRequests.every((each) => each.status === 206 && each.range?.startsWith('bytes=')),
      ).toBe(true);
      await buyerPage.screenshot({ path: join(SCREENSHOTS, 'player-playing.png') });

      // A long film is fetched range by range, so a later request can carry an expired grant: the
      // element errors and the player goes on with its newest grant. Forced here: once the player
      // holds a newer grant than its source's, the gate refuses the source's grant (as it does an
      // expired one) and the element is made to fetch again.
      const sourceGrant = () =>
        media.evaluate((video: { src: string }) => new URL(video.src).searchParams.get('grant'));
      const startedWith = await sourceGrant();
      const firstExpiry = await player.getAttribute('data-grant-expires-at');
      await eventually(
        'a refreshed grant',
        () => player.getAttribute('data-grant-expires-at'),
        (expiry) => expiry !== firstExpiry,
      );
      await buyerPage.route(
        (url) => url.searchParams.get('grant') === startedWith,
        (route) =>
          route.fulfill({
            status: 403,
            json: { error: { code: 'GRANT_REFUSED', message: 'refused', reason: 'expired' } },
          }),
      );
      await media.evaluate((video: { load: () => void }) => video.load());
      // Compared, never printed: a failure message carries no grant.
      const movedOn = async () => (await sourceGrant()) !== startedWith;
      await eventually('the source moved to the newest grant', movedOn, (moved) => moved);
      await eventually('the media playing again', playedFor, (seconds) => seconds > 0.5);

      // Refunded in full at Stripe: the player's next grant refresh is refused and it stops.
      const refundedAt = Date.now();
      await stubAction('create-refund', { paymentIntentId });
      const boundMs = GRANT_LIFETIME_SECONDS * 1_000 * 1.5;
      await buyerPage.waitForSelector('[data-testid="player"][data-playback="refused"]', {
        timeout: boundMs + 5_000,
      });
      expect(Date.now() - refundedAt).toBeLessThanOrEqual(boundMs);
      expect(await player.getAttribute('data-access')).toBe('locked');
      expect(await buyerPage.getByTestId('media').count()).toBe(0);
      await buyerPage.getByTestId('buy').waitFor();
      await buyerPage.screenshot({ path: join(SCREENSHOTS, 'player-refused-after-refund.png') });
    });

    it('payouts: onboard → buy → transfer → refund → reversal', { timeout: 120_000 }, async () => {
      const { webApp, stripe } = running();

      // Onboarding: not set up; the button → Stripe's hosted page → back, transfers active.
      await page.goto(`${webApp.url}/payouts`);
      const status = page.getByTestId('payout-status');
      await status.waitFor({ timeout: WAIT_MS });
      expect(await status.getAttribute('data-transfers-active')).toBe('false');
      expect(await page.getByTestId('platform-fee').textContent()).toContain(
        '10 % of each sale (tax excluded), the platform default',
      );
      expect(await page.getByTestId('onboard-button').textContent()).toBe('Set up payouts');
      await screenshot('payouts-not-set-up');
      await page.getByTestId('onboard-button').click();
      await page.waitForURL(`${stripe?.url}/connect/onboarding/**`);
      await screenshot('stripe-hosted-onboarding');
      await page.getByTestId('complete-onboarding').click();
      await page.waitForURL(`${webApp.url}/payouts?onboarding=done`);
      await page.waitForSelector('[data-testid="payout-status"][data-transfers-active="true"]', {
        timeout: WAIT_MS,
      });
      expect(await page.getByTestId('onboarding-notice').getAttribute('data-onboarding')).toBe(
        'done',
      );
      const accountId = String(await status.getAttribute('data-account-id'));
      expect(accountId).toMatch(/^acct_/);
      expect(await page.getByTestId('payout-account').textContent()).toContain('Transfers active');
      expect(await page.getByTestId('onboard-button').count()).toBe(0);
      expect(stripe?.stub.getAccount(accountId)?.capabilities.transfers).toBe('active');
      await screenshot('payouts-transfers-active');

      // A buyer of its own pays by card on the local checkout page.
      const { buyerPage, token } = await pageAsBuyer('user_payouts');
      await buyerPage.goto(webApp.url);
      await buyerPage.getByTestId(`item-${demoIds.paidContent}`).getByTestId('buy').click();
      await buyerPage.waitForURL(`${stripe?.url}/c/pay/**`);
      await buyerPage.getByRole('button', { name: /by card/ }).click();
      await buyerPage.waitForURL(`${webApp.url}/content/${demoIds.paidContent}?purchase=success**`);
      await buyerPage.waitForSelector('[data-testid="player"][data-access="unlocked"]', {
        timeout: WAIT_MS,
      });
      const sessionId = String(new URL(buyerPage.url()).searchParams.get('session_id'));
      const session = await callApi(`/api/checkout/sessions/${sessionId}`, token);
      const { purchaseId } = session.data as { purchaseId: string };

      // Transferred: the share (charged − tax − 10 %) went to the account, as Stripe shows it.
      const sold = await payoutShows(purchaseId, 'transferred');
      const charged = await centsOf(sold, 'charged');
      const tax = await centsOf(sold, 'tax');
      const platformFee = await centsOf(sold, 'platform-fee');
      const share = await centsOf(sold, 'share');
      expect(charged).toBe(1_500);
      expect(platformFee).toBe(Math.round((charged - tax) / 10));
      expect(share).toBe(charged - tax - platformFee);
      expect(await centsOf(sold, 'transferred')).toBe(share);
      expect(await centsOf(sold, 'reversed')).toBe(0);
      const transferId = String(await sold.getAttribute('data-transfer-id'));
      expect(transferId).toMatch(/^tr_/);
      await screenshot('payouts-transferred');
      await page.goto(`${stripe?.url}/`);
      const transferRow = page.locator(
        `[data-testid="transfer-row"][data-transfer="${transferId}"]`,
      );
      expect(await transferRow.textContent()).toContain(accountId);
      expect(dollarsToCents(await transferRow.getByTestId('transfer-amount').textContent())).toBe(
        share,
      );
      expect(await transferRow.getByTestId('transfer-reversed').textContent()).toBe('not reversed');
      await screenshot('dashboard-transfer');

      // A third of the sale refunded from /sales: the same part of the share is taken back.
      const refund = 500;
      await page.goto(`${webApp.url}/sales`);
      const sale = saleRow(purchaseId);
      await sale.waitFor({ timeout: WAIT_MS });
      await sale.getByTestId('refund-amount').fill('5.00');
      await sale.getByTestId('refund-keep-access').check();
      await sale.getByTestId('refund-submit').click();
      await refundAccepted(sale);
      await saleShows(purchaseId, 'partially_refunded');
      const refunded = await payoutShows(purchaseId, 'partially_reversed');
      const due = Math.round((share * (charged - refund)) / charged);
      expect(await centsOf(refunded, 'due')).toBe(due);
      const reversed = await centsOf(refunded, 'reversed');
      expect(reversed).toBe(share - due);
      expect(await centsOf(refunded, 'transferred')).toBe(share);
      const total = page.locator('[data-testid="earnings-total"][data-currency="usd"]');
      const movedCents = (await centsOf(total, 'transferred')) - (await centsOf(total, 'reversed'));
      await screenshot('payouts-partially-reversed');

      // At Stripe: the transfer shows the reversal, and the account holds exactly what the
      // ledger says moved (every sale's transfers less their reversals), to the cent.
      await page.goto(`${stripe?.url}/`);
      expect(
        dollarsToCents(
          (await transferRow.getByTestId('transfer-reversed').textContent())?.replace(
            ' reversed',
            '',
          ) ?? null,
        ),
      ).toBe(reversed);
      const account = page.locator(`[data-testid="account-row"][data-account="${accountId}"]`);
      expect(await account.getByTestId('account-status').textContent()).toBe('transfers active');
      expect(dollarsToCents(await account.getByTestId('account-balance').textContent())).toBe(
        movedCents,
      );
      await screenshot('dashboard-reversal-and-balance');

      // The CSV export has the sale's line with the same money and status.
      await page.goto(`${webApp.url}/payouts`);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('earnings-export').click(),
      ]);
      expect(download.suggestedFilename()).toBe(`earnings-${demoIds.organization}.csv`);
      const csv = await readFile(await download.path(), 'utf8');
      const line = csv.split('\n').find((each) => each.startsWith(purchaseId));
      expect(line).toContain(`,${share},${due},${share},${reversed},${transferId},`);
      expect(line).toMatch(/,partially_reversed\r?$/);
    });
  },
);
