import {
  type ContentPurchase,
  contentPurchases,
  eq,
  type FulfillmentAnomaly,
  fulfillmentAnomalies,
  type RejectedStripeEvent,
  rejectedStripeEvents,
  type StripeWebhookEvent,
  stripeWebhookEvents,
} from '@codex/database';
import { AccessService } from '@codex/purchases';
import {
  createTestContent,
  createTestOrganization,
  createTestUser,
} from '@codex/test-utils/factories';
import { createStripeClient, STRIPE_API_VERSION } from '@codex/worker-runtime';
import { createWorkerCaller, withTestDatabase, workerTestEnv } from '@codex/worker-runtime/testing';
import type Stripe from 'stripe';
import type { WebhookBindings } from '../env';
import worker from '../index';
import { type SignOptions, signPayload } from './sign-payload';

export { captureConsole, withTestDatabase } from '@codex/worker-runtime/testing';
export { type SignOptions, signPayload } from './sign-payload';

/** The bindings the test project runs with (see vitest.config.ts and the worker global setup). */
export const testEnv = workerTestEnv<
  Required<Pick<WebhookBindings, 'STRIPE_SECRET_KEY' | 'STRIPE_WEBHOOK_SECRET_PAYMENT'>> &
    WebhookBindings & {
      /** The checkout worker's bindings, for the full-loop test. */
      WEB_APP_URL: string;
      AUTH_JWT_SECRET: string;
      /** How many requests the webhook fuzz sends; empty: its default. */
      CODEX_FUZZ_REQUESTS: string;
    }
>();

export const PAYMENT_WEBHOOK_PATH = '/webhooks/stripe/payment';

/** Sends a request through the worker's exported `fetch` with its real bindings, optionally overridden. */
export const callWorker = createWorkerCaller<WebhookBindings>(
  worker,
  'https://webhooks.codex.test',
);

/** The Stripe SDK pointed at the stand-in, as the worker builds it. */
export function testStripeClient(): Stripe {
  return createStripeClient({
    secretKey: testEnv.STRIPE_SECRET_KEY,
    apiBase: testEnv.STRIPE_API_BASE,
  });
}

/** A random id with Stripe's prefix, e.g. `evt_3f…`. */
export function stripeId(prefix: 'evt_' | 'cs_test_' | 'pi_'): string {
  return `${prefix}${crypto.randomUUID().replaceAll('-', '')}`;
}

/** A published content item of a new organization, and a new customer to buy it. */
export interface TestItem {
  organizationId: string;
  contentId: string;
  customerId: string;
  priceCents: number;
  currency: string;
}

/** A seeded purchase of a {@link TestItem}. */
export interface TestPurchase extends TestItem {
  purchaseId: string;
  /** The Checkout Session the purchase is linked to (none for an abandoned checkout). */
  sessionId: string | null;
}

export async function createItem(
  options: { priceCents?: number; currency?: string } = {},
): Promise<TestItem> {
  return withTestDatabase(async (db) => {
    const organization = await createTestOrganization(db);
    const item = await createTestContent(db, { organizationId: organization.id, ...options });
    return {
      organizationId: organization.id,
      contentId: item.id,
      customerId: createTestUser(),
      priceCents: item.priceCents,
      currency: item.currency,
    };
  });
}

export interface InsertPurchaseOptions {
  id?: string;
  /** Default: a new random `cs_test_…`; `null` for a purchase that never got a session. */
  sessionId?: string | null;
  createdAt?: Date;
  status?: ContentPurchase['status'];
}

/** Inserts a purchase row of `item` directly (default: pending, linked to a new session id). */
export async function insertPurchase(
  item: TestItem,
  options: InsertPurchaseOptions = {},
): Promise<TestPurchase> {
  const sessionId = options.sessionId === undefined ? stripeId('cs_test_') : options.sessionId;
  const status = options.status ?? 'pending';
  const [row] = await withTestDatabase((db) =>
    db
      .insert(contentPurchases)
      .values({
        ...(options.id ? { id: options.id } : {}),
        customerId: item.customerId,
        contentId: item.contentId,
        organizationId: item.organizationId,
        pricePaidCents: item.priceCents,
        currency: item.currency,
        status,
        stripeCheckoutSessionId: sessionId,
        purchasedAt: status === 'completed' ? new Date() : null,
        ...(options.createdAt ? { createdAt: options.createdAt } : {}),
      })
      .returning({ id: contentPurchases.id }),
  );
  if (!row) throw new Error('insertPurchase: insert returned no row');
  return { ...item, purchaseId: row.id, sessionId };
}

/** A new pending purchase (fresh organization, content and customer) linked to a new session id. */
export async function seedPendingPurchase(
  options: { priceCents?: number; currency?: string } & InsertPurchaseOptions = {},
): Promise<TestPurchase> {
  return insertPurchase(await createItem(options), options);
}

/** The checkout.session fields fulfillment reads, as Stripe sends them for `purchase`: paid by default. */
export function checkoutSession(
  purchase: TestPurchase,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id: purchase.sessionId,
    object: 'checkout.session',
    client_reference_id: purchase.purchaseId,
    metadata: {
      purchaseId: purchase.purchaseId,
      customerId: purchase.customerId,
      contentId: purchase.contentId,
      organizationId: purchase.organizationId,
    },
    mode: 'payment',
    payment_status: 'paid',
    status: 'complete',
    amount_total: purchase.priceCents,
    currency: purchase.currency,
    payment_intent: stripeId('pi_'),
    livemode: false,
    ...overrides,
  };
}

/** A Stripe event envelope, built by hand as Stripe sends it. */
export interface TestEvent {
  id: string;
  object: 'event';
  type: string;
  api_version: string;
  created: number;
  livemode: false;
  data: { object: unknown };
}

/** `object` may be anything: fuzz tests send objects that are not Stripe's. */
export function stripeEvent(type: string, object: unknown): TestEvent {
  return {
    id: stripeId('evt_'),
    object: 'event',
    type,
    api_version: STRIPE_API_VERSION,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    data: { object },
  };
}

export interface DeliverOptions extends SignOptions {
  /** Sent instead of the signed payload (a tampered body). */
  body?: string;
  /** `Stripe-Signature` header to send instead of a computed one; `null` sends none. */
  signature?: string | null;
  overrides?: Partial<WebhookBindings>;
}

/** Delivers `event` (an object, or the exact payload: text or bytes) to the payment webhook, signed. */
export async function deliver(
  event: TestEvent | string | Uint8Array,
  options: DeliverOptions = {},
): Promise<Response> {
  const payload =
    typeof event === 'string' || event instanceof Uint8Array ? event : JSON.stringify(event);
  const signature =
    options.signature === undefined ? await signPayload(payload, options) : options.signature;
  return callWorker(
    PAYMENT_WEBHOOK_PATH,
    {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        ...(signature === null ? {} : { 'Stripe-Signature': signature }),
      },
      body: options.body ?? payload,
    },
    options.overrides,
  );
}

/** The body of a webhook answer. */
export interface WebhookAnswer {
  received: true;
  outcome: string;
  result?: string;
}

/** The error body every error response has. */
export interface ErrorAnswer {
  error: { code: string; message: string; requestId: string };
}

export async function readPurchase(purchaseId: string): Promise<ContentPurchase> {
  const [row] = await withTestDatabase((db) =>
    db.select().from(contentPurchases).where(eq(contentPurchases.id, purchaseId)),
  );
  if (!row) throw new Error(`readPurchase: no purchase ${purchaseId}`);
  return row;
}

export async function inboxRows(eventId: string): Promise<StripeWebhookEvent[]> {
  return withTestDatabase((db) =>
    db.select().from(stripeWebhookEvents).where(eq(stripeWebhookEvents.id, eventId)),
  );
}

/** The rows keeping exactly these bytes for replay. */
export async function keptBodies(payload: Uint8Array): Promise<RejectedStripeEvent[]> {
  return withTestDatabase((db) =>
    db.select().from(rejectedStripeEvents).where(eq(rejectedStripeEvents.rawPayload, payload)),
  );
}

export async function anomaliesOf(purchaseId: string): Promise<FulfillmentAnomaly[]> {
  return withTestDatabase((db) =>
    db.select().from(fulfillmentAnomalies).where(eq(fulfillmentAnomalies.purchaseId, purchaseId)),
  );
}

/** The access rule buyers are served by (`AccessService.hasAccess`), on the test database. */
export async function hasAccess(purchase: TestItem): Promise<boolean> {
  return withTestDatabase((db) =>
    new AccessService({ db }).hasAccess(purchase.customerId, purchase.contentId),
  );
}

/** A Checkout Session as the Stripe stand-in stores it. */
export async function readStubSession(sessionId: string): Promise<Record<string, unknown>> {
  const response = await fetch(new URL(`/__stub/sessions/${sessionId}`, testEnv.STRIPE_API_BASE));
  if (!response.ok) throw new Error(`readStubSession: ${response.status} for ${sessionId}`);
  return (await response.json()) as Record<string, unknown>;
}

/** Changes a session on the Stripe stand-in, as a buyer paying (or Stripe expiring it) would. */
export async function updateStubSession(
  sessionId: string,
  patch: Record<string, unknown>,
): Promise<void> {
  const response = await fetch(new URL(`/__stub/sessions/${sessionId}`, testEnv.STRIPE_API_BASE), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(patch),
  });
  if (!response.ok) throw new Error(`updateStubSession: ${response.status} for ${sessionId}`);
}
