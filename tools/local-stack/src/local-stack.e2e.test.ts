import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type StripeStub, startStripeStub } from '@codex/local-stripe';
import { signBuyerToken } from '@codex/security';
import { createTestDatabase, type TestDatabase } from '@codex/test-utils';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoIds } from './demo-data';
import { type LocalStack, startLocalStack } from './start-local-stack';
import { freePorts, startOnFreePorts } from './start-on-free-ports';

// The stack as `pnpm dev` starts it (both workers in wrangler dev, the real database path), driven
// only over HTTP. Stripe is the stand-in, reached by the workers through STRIPE_API_BASE.
const JWT_SECRET = 'e2e-buyer-token-secret-0123456789abcdef0123';
const WEBHOOK_SECRET = 'whsec_e2e0123456789abcdef';

let stack: LocalStack | undefined;
let stub: StripeStub;
let database: TestDatabase | undefined;
let dataDir: string | undefined;

beforeAll(async () => {
  stub = await startStripeStub();
  // On a Postgres server: a fresh, empty database of this run (the stack migrates and seeds it).
  // Without one: the stack's own embedded PGlite, in a temporary folder, exactly as `pnpm dev` runs it.
  const serverMode = Boolean(process.env.TEST_DATABASE_URL || process.env.DATABASE_URL);
  if (serverMode) database = await createTestDatabase({ migrate: false });
  else dataDir = await mkdtemp(join(tmpdir(), 'codex-e2e-'));
  const output: string[] = [];
  stack = await startOnFreePorts(
    async () => {
      const ports = await freePorts(['checkout', 'webhooks', 'bridge', 'database'] as const);
      return startLocalStack({
        databaseUrl: database?.connectionString,
        ...(dataDir ? { dataDir } : {}),
        ports,
        vars: {
          ENVIRONMENT: 'development',
          AUTH_JWT_SECRET: JWT_SECRET,
          STRIPE_SECRET_KEY: 'sk_test_e2e_local_stack',
          STRIPE_WEBHOOK_SECRET_PAYMENT: WEBHOOK_SECRET,
          STRIPE_API_BASE: stub.url,
        },
        log: (line) => output.push(line),
      });
    },
    { output: () => output },
  );
});

afterAll(async () => {
  await stack?.stop();
  await stub?.close();
  await database?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function urls() {
  if (!stack) throw new Error('the stack did not start');
  return stack;
}

async function authorization(customerId: string) {
  return { Authorization: `Bearer ${await signBuyerToken({ secret: JWT_SECRET, customerId })}` };
}

async function checkout(customerId: string, contentId: string) {
  return fetch(`${urls().checkoutUrl}/api/checkout`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(await authorization(customerId)) },
    body: JSON.stringify({ contentId }),
  });
}

async function hasAccess(customerId: string, contentId: string): Promise<boolean> {
  const response = await fetch(`${urls().checkoutUrl}/api/purchases/access/${contentId}`, {
    headers: await authorization(customerId),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { hasAccess: boolean }).hasAccess;
}

/** Posts a Stripe event exactly as the stand-in emitted it, signed. */
async function postEvent(event: { id: string; type: string; data: { object: unknown } }) {
  const payload = JSON.stringify(event);
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
  const response = await fetch(`${urls().webhooksUrl}/webhooks/stripe/payment`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature },
    body: payload,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the local stack over HTTP', () => {
  it('answers health on both workers', async () => {
    expect((await fetch(`${urls().checkoutUrl}/health`)).status).toBe(200);
    expect((await fetch(`${urls().webhooksUrl}/health`)).status).toBe(200);
  });

  it('sells paid content: checkout, signed completion, access, full refund, no access', async () => {
    const customerId = `user_e2e_${Date.now()}`;
    const created = await checkout(customerId, demoIds.paidContent);
    expect(created.status).toBe(201);
    const { data } = (await created.json()) as { data: { sessionId: string; purchaseId: string } };
    expect(await hasAccess(customerId, demoIds.paidContent)).toBe(false);

    // The buyer pays at the stand-in, which emits what Stripe would send.
    const paid = stub.payCheckoutSession(data.sessionId, { method: 'card' });
    const completion = paid.find((event) => event.type === 'checkout.session.completed');
    if (!completion) throw new Error('no checkout.session.completed');
    const completed = await postEvent(completion);
    expect(completed).toEqual({
      status: 200,
      body: { received: true, outcome: 'processed', result: 'completed' },
    });
    expect(await hasAccess(customerId, demoIds.paidContent)).toBe(true);

    // The same event again: acknowledged, nothing changes.
    const duplicate = await postEvent(completion);
    expect(duplicate.body).toMatchObject({ outcome: 'duplicate' });

    // A full refund: the webhook worker reads the charge's refunds back from the stand-in.
    const paymentIntentId = stub.getSession(data.sessionId)?.payment_intent ?? '';
    const { events } = stub.createRefund(paymentIntentId);
    for (const event of events) {
      expect((await postEvent(event)).body).toMatchObject({ result: 'payment_event_recorded' });
    }
    expect(await hasAccess(customerId, demoIds.paidContent)).toBe(false);

    // Refunded in full: the customer may buy it again.
    expect((await checkout(customerId, demoIds.paidContent)).status).toBe(201);
  });

  it('grants free content at once', async () => {
    const customerId = `user_e2e_free_${Date.now()}`;
    const response = await checkout(customerId, demoIds.freeContent);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: { status: string } }).data.status).toBe(
      'free_access_granted',
    );
    expect(await hasAccess(customerId, demoIds.freeContent)).toBe(true);
  });

  it('answers 401 without a token and 400 for a malformed content id', async () => {
    const unauthenticated = await fetch(
      `${urls().checkoutUrl}/api/purchases/access/${demoIds.freeContent}`,
    );
    expect(unauthenticated.status).toBe(401);
    const malformed = await checkout(`user_e2e_bad_${Date.now()}`, 'not-a-uuid');
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe(
      'VALIDATION_ERROR',
    );
  });
});
