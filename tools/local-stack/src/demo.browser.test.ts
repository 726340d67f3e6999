import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handledStripeEventTypes } from '@codex/purchases';
import { createTestDatabase, type TestDatabase } from '@codex/test-utils';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoIds } from './demo-data';
import { chromiumArgs, findChromium } from './find-chromium';
import { type DevEnvironment, startDevEnvironment } from './start-dev-environment';
import { repositoryRoot } from './start-local-stack';
import { freePorts, startOnFreePorts } from './start-on-free-ports';

// The whole paid purchase as a buyer and a seller see it, in a real headless Chromium: the demo
// web app (through CORS, with the buyer's token), the local Stripe's checkout page and dashboard,
// both workers in wrangler dev, webhooks delivered and retried by the local Stripe. Everything is
// what `pnpm dev` starts (startDevEnvironment), on free ports and a fresh database.
const JWT_SECRET = 'browser-buyer-token-secret-0123456789abcdef';
const SCREENSHOTS = join(repositoryRoot, 'tools/local-stack/.artifacts/browser');
const WAIT_MS = 20_000;

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
let database: TestDatabase | undefined;
let dataDir: string | undefined;
let mailboxDir: string | undefined;
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
      const serverMode = Boolean(process.env.TEST_DATABASE_URL || process.env.DATABASE_URL);
      if (serverMode) database = await createTestDatabase({ migrate: false });
      else dataDir = await mkdtemp(join(tmpdir(), 'codex-browser-'));
      mailboxDir = await mkdtemp(join(tmpdir(), 'codex-mailbox-'));
      dev = await startOnFreePorts(
        async () => {
          const ports = await freePorts([
            'checkout',
            'webhooks',
            'bridge',
            'database',
            'stripe',
            'webApp',
            'mailbox',
          ] as const);
          return startDevEnvironment({
            databaseUrl: database?.connectionString,
            ...(dataDir ? { dataDir } : {}),
            ports,
            mailboxDir,
            // The test fires the cron itself when it needs it.
            cronIntervalMs: 0,
            jwtSecret: JWT_SECRET,
            environment: 'development',
            customerId: 'user_browser_test',
            vars: { ENVIRONMENT: 'development', AUTH_JWT_SECRET: JWT_SECRET },
            localStripe: { delayedSettlementMs: 1_500, failingRefundMs: 1_000 },
            log: (line) => logLines.push(line),
          });
        },
        { output: () => logLines },
      );
      browser = await chromium.launch({ executablePath, args: chromiumArgs });
      page = await browser.newPage({ viewport: { width: 1000, height: 760 } });
    });

    afterAll(async () => {
      await browser?.close();
      await dev?.stop();
      await database?.close();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
      if (mailboxDir) await rm(mailboxDir, { recursive: true, force: true });
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
      for (const event of sent) {
        expect(attempts.filter((line) => line.includes(event.id))).toEqual([
          expect.stringMatching(
            new RegExp(`webhook ${event.id} ${event.type} → 200 in \\d+ ms \\(attempt 1\\)$`),
          ),
        ]);
      }
      expect(attempts).toHaveLength(sent.length);
    });
  },
);
