import { randomBytes } from 'node:crypto';
import { createLocalStripePages } from './pages/create-local-stripe-pages';
import { type StripeStub, startStripeStub } from './start-stripe-stub';
import {
  createWebhookDelivery,
  type WebhookDeliveryOptions,
} from './webhooks/create-webhook-delivery';

/** Where the local Stripe listens and where it sends webhooks. */
export interface StartLocalStripeOptions {
  /** 0: any free port. */
  port: number;
  /** The webhook worker's endpoint, e.g. `http://127.0.0.1:8788/webhooks/stripe/payment`. */
  webhookEndpoint: string;
  /** The event types the endpoint is subscribed to (Stripe sends only those). */
  enabledEvents: ReadonlyArray<string>;
  log: (line: string) => void;
  /** How long a bank debit takes to settle. Default 10 s. */
  delayedSettlementMs?: number;
  /** How long a "refund that fails" stays pending. Default 5 s. */
  failingRefundMs?: number;
  /** The webhook retry schedule (see `createWebhookDelivery`). */
  retry?: WebhookDeliveryOptions['retry'];
  /**
   * A Connect webhook endpoint, e.g. `http://127.0.0.1:8788/webhooks/stripe/connect`: the events
   * of connected accounts (those with an `account`, such as `account.updated` and payouts) go here
   * and only here, signed with {@link LocalStripe.connectWebhookSecret}. Without it they are not
   * sent (as at Stripe without a Connect endpoint).
   */
  connectWebhookEndpoint?: string;
  /** The event types the Connect endpoint is subscribed to. Default: every type. */
  connectEnabledEvents?: ReadonlyArray<string>;
}

/** A running local Stripe; give the workers `secretKey`, `url` and `webhookSecret`. */
export interface LocalStripe {
  /** The API base (`STRIPE_API_BASE`) and the dashboard, e.g. `http://127.0.0.1:12111`. */
  url: string;
  /** An API key it accepts (`STRIPE_SECRET_KEY`); it is not a secret. */
  secretKey: string;
  /** The signing secret of its webhooks (`STRIPE_WEBHOOK_SECRET_PAYMENT`), new for every start. */
  webhookSecret: string;
  /** The signing secret of the Connect endpoint's webhooks, new for every start (set even without one). */
  connectWebhookSecret: string;
  /** The stand-in itself (its state, for tests). */
  stub: StripeStub;
  /** Resolves once no webhook delivery is in flight or scheduled. */
  idle: () => Promise<void>;
  /** Stops deliveries, scheduled settlements and the server. Safe to call twice. */
  stop: () => Promise<void>;
}

/** Open sessions past `expires_at` expire when read; this reads them so their event goes out. */
const EXPIRY_SWEEP_MS = 30_000;

/**
 * Starts Stripe for `pnpm dev` when no Stripe account is configured: the repository's stand-in
 * (Stripe's API as the workers call it) plus a hosted checkout page, a dashboard, and webhook
 * delivery with Stripe's behaviour (connected accounts' events to the Connect endpoint only; signed, each event sent once its state change is done, any
 * non-2xx retried with backoff, one log line per attempt). Listens on 127.0.0.1 only: its pages
 * take actions without authentication. Rejects if the port is taken.
 */
export async function startLocalStripe(options: StartLocalStripeOptions): Promise<LocalStripe> {
  const webhookSecret = `whsec_${randomBytes(24).toString('hex')}`;
  const connectWebhookSecret = `whsec_${randomBytes(24).toString('hex')}`;
  const log = (line: string) => options.log(`[stripe] ${line}`);
  let stub: StripeStub | undefined;
  const running = () => {
    if (!stub) throw new Error('local Stripe: not started');
    return stub;
  };
  const delivery = createWebhookDelivery({
    endpoint: options.webhookEndpoint,
    secret: webhookSecret,
    enabledEvents: options.enabledEvents,
    onDelivered: (eventId) => stub?.markEventDelivered(eventId),
    log,
    ...(options.retry ? { retry: options.retry } : {}),
  });
  // Stripe sends a connected account's events to the platform's Connect endpoints only, and its
  // own events to its account endpoints only (https://docs.stripe.com/connect/webhooks).
  const connectDelivery =
    options.connectWebhookEndpoint === undefined
      ? undefined
      : createWebhookDelivery({
          endpoint: options.connectWebhookEndpoint,
          secret: connectWebhookSecret,
          ...(options.connectEnabledEvents ? { enabledEvents: options.connectEnabledEvents } : {}),
          onDelivered: (eventId) => stub?.markEventDelivered(eventId),
          log: (line) => log(`connect ${line}`),
          ...(options.retry ? { retry: options.retry } : {}),
        });
  const pages = createLocalStripePages({
    stub: running,
    delayedSettlementMs: options.delayedSettlementMs ?? 10_000,
    failingRefundMs: options.failingRefundMs ?? 5_000,
    log,
  });
  stub = await startStripeStub({
    port: options.port,
    checkoutUrl: (sessionId, stubUrl) => `${stubUrl}/c/pay/${sessionId}`,
    onEvent: (event) =>
      event.account === undefined ? delivery.deliver(event) : connectDelivery?.deliver(event),
    handlePage: pages.handlePage,
  });
  const sweep = setInterval(() => stub?.listPayments(), EXPIRY_SWEEP_MS);
  sweep.unref();
  let stopping: Promise<void> | undefined;
  const started = stub;
  return {
    url: started.url,
    secretKey: 'sk_test_local_stripe',
    webhookSecret,
    connectWebhookSecret,
    stub: started,
    idle: async () => {
      await Promise.all([delivery.idle(), connectDelivery?.idle()]);
    },
    stop() {
      stopping ??= (async () => {
        clearInterval(sweep);
        pages.stop();
        await Promise.all([delivery.stop(), connectDelivery?.stop()]);
        await started.close();
      })();
      return stopping;
    },
  };
}
