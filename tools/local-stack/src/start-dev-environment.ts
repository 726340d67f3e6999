import { join } from 'node:path';
import {
  type LocalStripe,
  type StartLocalStripeOptions,
  startLocalStripe,
} from '@codex/local-stripe';
import { handledStripeEventTypes } from '@codex/purchases';
import { signBuyerToken } from '@codex/security';
import { type ResendStub, startResendStub } from '@codex/test-utils';
import { DEMO_STAFF_ID, demoCatalogue, demoIds, demoOrganizationName } from './demo-data';
import { type DemoWebApp, startDemoWebApp } from './demo-web/start-demo-web-app';
import { fireCron as fireWebhookWorkerCron } from './fire-cron';
import { createDemoMedia, DEMO_MEDIA_TYPE } from './media-gate/demo-media';
import { type MediaGate, startMediaGate } from './media-gate/start-media-gate';
import {
  assertPortFree,
  LOCAL_STAFF_AUDIENCE,
  type LocalStack,
  type LocalStackPorts,
  repositoryRoot,
  startLocalStack,
} from './start-local-stack';

/** Every port `pnpm dev` listens on. */
export interface DevPorts extends LocalStackPorts {
  /** The local Stripe (API, checkout page, dashboard); unused with a Stripe key. */
  stripe: number;
  /** The demo web app (`WEB_APP_URL` is `http://localhost:<webApp>`). */
  webApp: number;
  /** The local mailbox (a Resend stand-in); unused with a `RESEND_API_KEY` of one's own. */
  mailbox: number;
  /** The media gate (playback grants verified, the demo media served); unused without grant keys. */
  mediaGate: number;
}

export const defaultDevPorts = {
  stripe: 12111,
  webApp: 3000,
  mailbox: 12112,
  mediaGate: 12113,
} as const;

/** The demo buyer's address (the token's `email` claim): receipts go to the local mailbox. */
export const DEMO_BUYER_EMAIL = 'buyer@demo.codex.test';
export { DEMO_STAFF_ID } from './demo-data';

/** How long the demo tokens `pnpm dev` prints stay valid. */
const DEMO_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;
/** What the local mailbox accepts as a key (any bearer key) and the sender the workers use. */
const LOCAL_RESEND_API_KEY = 're_local_mailbox';
const LOCAL_EMAIL_FROM = 'Codex <receipts@codex.test>';
/**
 * How often `pnpm dev` fires the webhook worker's Cron Trigger: `wrangler dev` never does, and
 * locally the checkout worker has no queue, so its e-mails are queued by the cron.
 */
export const DEV_CRON_INTERVAL_MS = 30_000;

/**
 * What the webhook worker's Connect endpoint acts on (`handleConnectEvent`; it acknowledges every
 * other type): the local Stripe sends it only these, as a Stripe Connect endpoint subscribed to
 * them would.
 */
export const CONNECT_EVENT_TYPES = ['account.updated', 'capability.updated'] as const;

/** Which Stripe the workers talk to. */
export type StripeMode =
  /** No key configured: the local Stripe started here. */
  | 'local'
  /** `STRIPE_SECRET_KEY` in `workers/checkout/.dev.vars`: Stripe's test mode, unchanged. */
  | 'account'
  /** `STRIPE_API_BASE` in the environment: a Stripe-compatible server someone else runs. */
  | 'external';

/**
 * `external` when `STRIPE_API_BASE` is set, else `account` when the checkout worker has a key,
 * else `local`: with a key nothing changes, without one the local Stripe stands in.
 */
export function chooseStripeMode({
  stripeSecretKey,
  stripeApiBase,
}: Pick<StartDevEnvironmentOptions, 'stripeSecretKey' | 'stripeApiBase'>): StripeMode {
  if (stripeApiBase) return 'external';
  return stripeSecretKey ? 'account' : 'local';
}

export interface StartDevEnvironmentOptions {
  ports: DevPorts;
  /** A Postgres server; without it the embedded database in `dataDir`. */
  databaseUrl?: string | undefined;
  dataDir?: string;
  /** `STRIPE_SECRET_KEY` from the checkout worker's `.dev.vars` (empty or undefined: none). */
  stripeSecretKey?: string | undefined;
  /** `STRIPE_API_BASE` from the environment. */
  stripeApiBase?: string | undefined;
  /** Signs the demo buyer's and staff tokens (the checkout worker's `AUTH_JWT_SECRET`). */
  jwtSecret: string;
  /** The workers' `ENVIRONMENT`; the demo web app refuses to start unless it is `development`. */
  environment: string;
  /** The demo buyer. Default `user_demo`. */
  customerId?: string;
  /** Extra worker bindings (tests pass their secrets); they win over everything else. */
  vars?: Record<string, string>;
  /** `RESEND_API_KEY` from the webhook worker's `.dev.vars`: real e-mail, no local mailbox. */
  resendApiKey?: string | undefined;
  /** The local mailbox's folder. Default `<repo>/.data/mailbox` (git-ignored). */
  mailboxDir?: string;
  /** Fire the cron every this many ms; 0: never (tests fire it themselves). Default 30 s. */
  cronIntervalMs?: number;
  /**
   * The checkout worker's `PLAYBACK_GRANT_PUBLIC_KEYS` (from its `.dev.vars`; `vars` wins): the
   * media gate verifies grants with them. Without keys no gate starts and the player only shows
   * whether access is held.
   */
  playbackGrantPublicKeys?: string | undefined;
  /** Where the media gate keeps its local R2 bucket. Default `<repo>/.data/media-gate`. */
  mediaDir?: string;
  /** The local Stripe's timing (tests make it quick). */
  localStripe?: Pick<StartLocalStripeOptions, 'delayedSettlementMs' | 'failingRefundMs' | 'retry'>;
  log: (line: string) => void;
}

export interface DevEnvironment {
  stack: LocalStack;
  stripeMode: StripeMode;
  /** Set in `local` mode. */
  stripe: LocalStripe | undefined;
  /** The local mailbox and its folder; undefined with a `RESEND_API_KEY` of one's own. */
  mailbox: { url: string; dir: string } | undefined;
  /** The media gate serving the demo media, when grant keys are configured. */
  mediaGate: MediaGate | undefined;
  /** Runs the webhook worker's scheduled handler now (what the dev cron does every 30 s). */
  fireCron: () => Promise<void>;
  webApp: DemoWebApp;
  customerId: string;
  /** The demo buyer's token, valid 24 hours. */
  token: string;
  /** The demo organization's owner (an `organization_members` row) and their token, valid 24 hours. */
  staff: { userId: string; organizationId: string; token: string };
  /** Stops everything started. Safe to call twice. */
  stop: () => Promise<void>;
}

/**
 * Where the local Stripe sends webhooks under `pnpm dev`: the webhook worker's payment endpoint,
 * subscribed to what it handles, and its Connect endpoint, which gets the connected accounts'
 * events (and only those, as at Stripe), subscribed to {@link CONNECT_EVENT_TYPES}.
 */
export function localStripeEndpoints(
  ports: Pick<DevPorts, 'stripe' | 'webhooks'>,
): Omit<StartLocalStripeOptions, 'log'> {
  const webhooks = `http://127.0.0.1:${ports.webhooks}/webhooks/stripe`;
  return {
    port: ports.stripe,
    webhookEndpoint: `${webhooks}/payment`,
    enabledEvents: handledStripeEventTypes,
    connectWebhookEndpoint: `${webhooks}/connect`,
    connectEnabledEvents: CONNECT_EVENT_TYPES,
  };
}

/**
 * The bindings that point both workers at the local Stripe: its URL and key, and the signing
 * secret of each webhook endpoint (both new on every start, so never in `.dev.vars`).
 */
export function localStripeVars(
  stripe: Pick<LocalStripe, 'url' | 'secretKey' | 'webhookSecret' | 'connectWebhookSecret'>,
): Record<string, string> {
  return {
    STRIPE_SECRET_KEY: stripe.secretKey,
    STRIPE_API_BASE: stripe.url,
    STRIPE_WEBHOOK_SECRET_PAYMENT: stripe.webhookSecret,
    STRIPE_WEBHOOK_SECRET_CONNECT: stripe.connectWebhookSecret,
  };
}

/** Options for {@link signDemoTokens}. */
export interface SignDemoTokensOptions {
  /** The checkout worker's `AUTH_JWT_SECRET`. */
  secret: string;
  /** The demo buyer. */
  customerId: string;
  /** Clock in milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
}

/**
 * The two tokens `pnpm dev` hands out, both valid 24 hours: the demo buyer's (`sub` the
 * customer, `email` {@link DEMO_BUYER_EMAIL}) and the demo organization owner's (`sub`
 * {@link DEMO_STAFF_ID}, `aud` {@link LOCAL_STAFF_AUDIENCE}: the organization routes take it; what
 * it may do there is the owner row `seedDemoData` writes, not a claim).
 *
 * @throws Error when the secret is empty or the customer id is not one (see `signBuyerToken`).
 */
export async function signDemoTokens(
  options: SignDemoTokensOptions,
): Promise<{ buyerToken: string; staffToken: string }> {
  const common = {
    secret: options.secret,
    expiresInSeconds: DEMO_TOKEN_LIFETIME_SECONDS,
    ...(options.now ? { now: options.now } : {}),
  };
  const [buyerToken, staffToken] = await Promise.all([
    signBuyerToken({ ...common, customerId: options.customerId, email: DEMO_BUYER_EMAIL }),
    signBuyerToken({
      ...common,
      customerId: DEMO_STAFF_ID,
      // The organization routes take only tokens for the staff audience.
      audience: LOCAL_STAFF_AUDIENCE,
    }),
  ]);
  return { buyerToken, staffToken };
}

/**
 * What `pnpm dev` runs: the database, both workers, the demo web app, and, when no Stripe key is
 * configured, the local Stripe with both workers pointed at it (`STRIPE_API_BASE`, its key and
 * its two webhook secrets, the payment endpoint's and the Connect endpoint's, passed as `--var`,
 * so `.dev.vars` is left as it is). Unless the webhook
 * worker has a `RESEND_API_KEY` of its own, the local mailbox (a Resend stand-in writing each
 * message to `mailboxDir`) takes Resend's place the same way. The webhook worker's cron is fired
 * every `cronIntervalMs`. With playback grant keys, the media gate serves the demo media from its
 * local R2 bucket (seeded with the generated sample) to grant holders, and the demo player plays
 * through it. The demo web app gets both tokens of {@link signDemoTokens}: the buyer's for the
 * shop, the demo organization owner's for its `/sales` page. Whatever started is stopped again if
 * a later part fails.
 */
export async function startDevEnvironment(
  options: StartDevEnvironmentOptions,
): Promise<DevEnvironment> {
  const { ports, log } = options;
  const customerId = options.customerId ?? 'user_demo';
  const stripeMode = chooseStripeMode(options);
  const webAppUrl = `http://localhost:${ports.webApp}`;
  await assertPortFree(ports.webApp, 'demo web app', 'WEB_APP_PORT');
  if (stripeMode === 'local') await assertPortFree(ports.stripe, 'local Stripe', 'STRIPE_PORT');
  const mailboxDir = options.mailboxDir ?? join(repositoryRoot, '.data/mailbox');
  const useMailbox = !options.resendApiKey;
  if (useMailbox) await assertPortFree(ports.mailbox, 'local mailbox', 'MAILBOX_PORT');
  const publicKeys =
    options.vars?.PLAYBACK_GRANT_PUBLIC_KEYS || options.playbackGrantPublicKeys || undefined;
  if (publicKeys) await assertPortFree(ports.mediaGate, 'media gate', 'MEDIA_GATE_PORT');

  const stops: Array<() => Promise<void>> = [];
  // The dev cron: stopped first thing, so a run in flight while the workers stop is not reported.
  let cronTimer: ReturnType<typeof setInterval> | undefined;
  let isStopping = false;
  const stop = async () => {
    isStopping = true;
    clearInterval(cronTimer);
    while (stops.length > 0)
      await stops
        .pop()?.()
        .catch(() => undefined);
  };
  try {
    let stripe: LocalStripe | undefined;
    const vars: Record<string, string> = { WEB_APP_URL: webAppUrl };
    if (stripeMode === 'local') {
      stripe = await startLocalStripe({
        ...localStripeEndpoints(ports),
        log,
        ...options.localStripe,
      });
      stops.push(() => stripe?.stop() ?? Promise.resolve());
      Object.assign(vars, localStripeVars(stripe));
    } else if (stripeMode === 'external' && options.stripeApiBase) {
      vars.STRIPE_API_BASE = options.stripeApiBase;
    }
    let mailbox: ResendStub | undefined;
    if (useMailbox) {
      mailbox = await startResendStub({ port: ports.mailbox, mailboxDir });
      stops.push(() => mailbox?.close() ?? Promise.resolve());
      Object.assign(vars, {
        RESEND_API_BASE: mailbox.url,
        RESEND_API_KEY: LOCAL_RESEND_API_KEY,
        EMAIL_FROM: LOCAL_EMAIL_FROM,
      });
    }
    const stack = await startLocalStack({
      databaseUrl: options.databaseUrl,
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ports,
      vars: { ...vars, ...options.vars },
      log,
    });
    stops.push(stack.stop);
    let mediaGate: MediaGate | undefined;
    if (publicKeys) {
      const bytes = createDemoMedia();
      mediaGate = await startMediaGate({
        port: ports.mediaGate,
        publicKeys,
        ...(options.mediaDir ? { persistDir: options.mediaDir } : {}),
        media: [demoIds.paidContent, demoIds.freeContent].map((contentId) => ({
          contentId,
          bytes,
          contentType: DEMO_MEDIA_TYPE,
        })),
        log,
      });
      stops.push(mediaGate.stop);
    }
    const { buyerToken: token, staffToken } = await signDemoTokens({
      secret: options.jwtSecret,
      customerId,
    });
    const staff = {
      userId: DEMO_STAFF_ID,
      organizationId: demoIds.organization,
      token: staffToken,
    };
    const fireCron = () => fireWebhookWorkerCron(stack.webhooksUrl);
    const cronIntervalMs = options.cronIntervalMs ?? DEV_CRON_INTERVAL_MS;
    if (cronIntervalMs > 0) {
      cronTimer = setInterval(() => {
        fireCron().catch((error: unknown) => {
          if (!isStopping) log(`[cron] not fired: ${String(error)}`);
        });
      }, cronIntervalMs);
      cronTimer.unref();
    }
    const webApp = await startDemoWebApp({
      port: ports.webApp,
      apiBaseUrl: stack.checkoutUrl,
      buyerToken: token,
      customerId,
      staff: { ...staff, organizationName: demoOrganizationName },
      catalogue: [...demoCatalogue],
      stripeDashboardUrl: stripe?.url ?? 'https://dashboard.stripe.com/test/payments',
      environment: options.environment,
      ...(mailbox ? { mailboxDir } : {}),
      ...(mediaGate ? { mediaGateUrl: mediaGate.url } : {}),
      log,
    });
    stops.push(webApp.close);
    return {
      stack,
      stripeMode,
      stripe,
      mailbox: mailbox ? { url: mailbox.url, dir: mailboxDir } : undefined,
      mediaGate,
      fireCron,
      webApp,
      customerId,
      token,
      staff,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
