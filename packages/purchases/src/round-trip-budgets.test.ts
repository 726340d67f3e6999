import {
  contentPurchases,
  createDatabaseClient,
  createHttpDatabaseClient,
  type DatabaseClient,
  fulfillmentAnomalies,
  type HttpDatabase,
} from '@codex/database';
import { type StripeStub, startStripeStub } from '@codex/local-stripe';
import { ObservabilityClient } from '@codex/observability';
import {
  addTestMember,
  createTestContent,
  createTestDatabase,
  createTestOrganization,
  createTestUser,
  nodeWebSocket,
  type TestDatabase,
} from '@codex/test-utils';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessService } from './access-service';
import { BuyerService } from './buyer-service';
import type { CheckoutServiceConfig } from './checkout/checkout-context';
import { CheckoutService } from './checkout-service';
import { FulfillmentService } from './fulfillment-service';
import { PayoutService } from './payout-service';
import { RefundService } from './refund-service';
import { ReviewService } from './review-service';
import { SalesService } from './sales-service';
import { testStripeClient } from './testing/test-stripe-client';

// The round-trip budgets of each request (README, Performance), counted where they cross the
// network: HTTP requests to the SQL endpoint, WebSocket connections the pool opens, statements on
// either (a hook on the production drivers), and calls the Stripe stand-in receives. Transaction
// control (BEGIN, COMMIT) is counted separately: it rides on a pooled connection. Like a Worker,
// each measured request gets clients of its own.
let testDb: TestDatabase;
let stub: StripeStub;
let pool: DatabaseClient;
let http: HttpDatabase;
const statements: string[] = [];
let connections = 0;
let httpRequests = 0;

const openClients = () => {
  pool = createDatabaseClient({
    connectionString: testDb.connectionString,
    webSocketConstructor: nodeWebSocket,
    ...(testDb.webSocketProxy ? { webSocketProxy: testDb.webSocketProxy } : {}),
    onQuery: (sql) => statements.push(sql),
    onConnect: () => {
      connections++;
    },
  });
  http = createHttpDatabaseClient({
    connectionString: testDb.connectionString,
    ...(testDb.httpEndpoint ? { httpEndpoint: testDb.httpEndpoint } : {}),
    onQuery: (sql) => statements.push(sql),
    onHttpRequest: () => {
      httpRequests++;
    },
  }).db;
};

beforeAll(async () => {
  [testDb, stub] = await Promise.all([createTestDatabase(), startStripeStub()]);
  openClients();
});

afterAll(async () => {
  await pool?.close();
  await Promise.all([testDb?.close(), stub?.close()]);
});

const logger = new ObservabilityClient('budgets', 'test', { write: () => undefined });
const stripe = () => testStripeClient(stub.url, { secretKey: 'sk_test_budgets_0123' });
const checkoutService = (options: Omit<CheckoutServiceConfig, 'webAppUrl'> = {}) =>
  new CheckoutService({
    db: pool.db,
    http,
    stripe: stripe(),
    logger,
    config: { webAppUrl: 'https://app.codex.test', ...options },
  });
const access = () => new AccessService({ db: pool.db, http });
const buyer = () => new BuyerService({ db: pool.db, http });
const sales = () => new SalesService({ db: pool.db, http });
const fulfillment = () => new FulfillmentService({ db: pool.db, http, stripe: stripe(), logger });
const refunds = () => new RefundService({ db: pool.db, http, stripe: stripe(), logger });
const review = () => new ReviewService({ db: pool.db, http, stripe: stripe(), logger });
const payouts = () =>
  new PayoutService({
    db: pool.db,
    http,
    stripe: stripe(),
    logger,
    webAppUrl: 'https://app.codex.test',
  });

const isTransactionControl = (sql: string) => /^\s*(begin|commit|rollback)\b/i.test(sql);

/** What `work` sent over the network, on fresh clients like a request's. */
async function measure<T>(work: () => Promise<T>) {
  await pool.close();
  openClients();
  const firstStatement = statements.length;
  const firstStripeCall = stub.requests.length;
  const firstConnection = connections;
  const firstHttpRequest = httpRequests;
  const result = await work();
  const sent = statements.slice(firstStatement);
  return {
    result,
    statements: sent.filter((sql) => !isTransactionControl(sql)),
    transactions: sent.filter((sql) => /^\s*begin\b/i.test(sql)).length,
    httpRequests: httpRequests - firstHttpRequest,
    connections: connections - firstConnection,
    stripeCalls: stub.requests.length - firstStripeCall,
  };
}

/** One statement in one HTTP request: no transaction, no connection, no Stripe call. */
function expectOneRequest(measured: Awaited<ReturnType<typeof measure>>) {
  expect(measured.statements).toHaveLength(1);
  expect(measured.httpRequests).toBe(1);
  expect(measured.transactions).toBe(0);
  expect(measured.connections).toBe(0);
  expect(measured.stripeCalls).toBe(0);
}

/** A checkout's cost: `requests` statements, each its own HTTP request, and `stripeCalls` calls. */
function expectCheckoutCost(
  measured: Awaited<ReturnType<typeof measure>>,
  cost: { requests: number; stripeCalls: number },
) {
  expect(measured.statements).toHaveLength(cost.requests);
  expect(measured.httpRequests).toBe(cost.requests);
  expect(measured.stripeCalls).toBe(cost.stripeCalls);
  expect(measured.connections).toBe(0);
}

async function createItem(priceCents: number) {
  const organization = await createTestOrganization(testDb.db);
  return createTestContent(testDb.db, { organizationId: organization.id, priceCents });
}

function completedEvent(session: Stripe.Checkout.Session): Stripe.Event {
  return {
    id: `evt_budget_${crypto.randomUUID().replaceAll('-', '')}`,
    object: 'event',
    type: 'checkout.session.completed',
    data: { object: session },
  } as unknown as Stripe.Event;
}

describe('round-trip budgets', () => {
  it('access check: 1 HTTP request, no connection, no Stripe call', async () => {
    const item = await createItem(500);
    const measured = await measure(() => access().hasAccess(createTestUser(), item.id));
    expectOneRequest(measured);
  });

  it('checkout, new session: 2 HTTP requests around 1 Stripe call', async () => {
    const item = await createItem(500);
    const measured = await measure(() =>
      checkoutService().createCheckoutSession(createTestUser(), item.id),
    );
    expect(measured.result.status).toBe('checkout_created');
    expectCheckoutCost(measured, { requests: 2, stripeCalls: 1 });
  });

  // With Customer reuse, Checkout creates a first-time buyer's Customer and the completion records
  // it: a first paid checkout costs what any paid checkout costs, and so does every later one.
  it('checkout reusing customers, first purchase: 2 HTTP requests around 1 Stripe call', async () => {
    const item = await createItem(500);
    const measured = await measure(() =>
      checkoutService({ reuseStripeCustomers: true }).createCheckoutSession(
        createTestUser(),
        item.id,
        { customerEmail: 'budget@example.test' },
      ),
    );
    expect(measured.result.status).toBe('checkout_created');
    expectCheckoutCost(measured, { requests: 2, stripeCalls: 1 });
  });

  it('checkout reusing customers, later purchase: 2 HTTP requests around 1 Stripe call', async () => {
    const customerId = createTestUser();
    const options = { customerEmail: 'budget@example.test' };
    const first = await checkoutService({ reuseStripeCustomers: true }).createCheckoutSession(
      customerId,
      (await createItem(500)).id,
      options,
    );
    if (first.status !== 'checkout_created') throw new Error('expected a new checkout');
    // Paid and completed: the completion records the Customer Checkout created.
    for (const event of stub.payCheckoutSession(first.sessionId, { method: 'card' })) {
      await fulfillment().handleStripeEvent(JSON.parse(JSON.stringify(event)));
    }
    const item = await createItem(500);
    const measured = await measure(() =>
      checkoutService({ reuseStripeCustomers: true }).createCheckoutSession(
        customerId,
        item.id,
        options,
      ),
    );
    expect(measured.result.status).toBe('checkout_created');
    expect(
      stub.requests.filter((request) => request.form.customer?.startsWith('cus_')),
    ).not.toHaveLength(0);
    expectCheckoutCost(measured, { requests: 2, stripeCalls: 1 });
  });

  it('checkout with a promotion code: 2 HTTP requests around 2 Stripe calls (the code, the session)', async () => {
    const item = await createItem(500);
    const code = `TEN-${crypto.randomUUID().slice(0, 8)}`;
    stub.createPromotionCode({
      code,
      percentOff: 10,
      metadata: { organizationId: item.organizationId },
    });
    const measured = await measure(() =>
      checkoutService({ allowPromotionCodes: true }).createCheckoutSession(
        createTestUser(),
        item.id,
        { promotionCode: code },
      ),
    );
    expect(measured.result.status).toBe('checkout_created');
    expectCheckoutCost(measured, { requests: 2, stripeCalls: 2 });
  });

  it('checkout, open session reused: 1 HTTP request, no Stripe call', async () => {
    const item = await createItem(500);
    const customerId = createTestUser();
    await checkoutService().createCheckoutSession(customerId, item.id);
    const measured = await measure(() =>
      checkoutService().createCheckoutSession(customerId, item.id),
    );
    expect(measured.result.status).toBe('checkout_reused');
    expectCheckoutCost(measured, { requests: 1, stripeCalls: 0 });
  });

  it('checkout, free content: 1 HTTP request, no Stripe call', async () => {
    const item = await createItem(0);
    const measured = await measure(() =>
      checkoutService().createCheckoutSession(createTestUser(), item.id),
    );
    expect(measured.result.status).toBe('free_access_granted');
    expectCheckoutCost(measured, { requests: 1, stripeCalls: 0 });
  });

  it('webhook, first delivery: 1 HTTP request; duplicate: 1 HTTP request', async () => {
    const item = await createItem(500);
    const checkout = await checkoutService().createCheckoutSession(createTestUser(), item.id);
    if (checkout.status !== 'checkout_created') throw new Error('expected a new checkout');
    const { payment_intent_data: _stubOnly, ...session } = stub.updateSession(checkout.sessionId, {
      status: 'complete',
      payment_status: 'paid',
      payment_intent: `pi_budget_${Date.now()}`,
    });
    const event = completedEvent(session as unknown as Stripe.Checkout.Session);

    const first = await measure(() => fulfillment().handleStripeEvent(event));
    expect(first.result).toMatchObject({ status: 'processed', result: { status: 'completed' } });
    // Inbox row and completion in one statement: no interactive transaction.
    expect(first.transactions).toBe(0);
    expect(first.statements).toHaveLength(1);
    expect(first.httpRequests).toBe(1);
    expect(first.stripeCalls).toBe(0);
    expect(first.connections).toBe(0);

    const duplicate = await measure(() => fulfillment().handleStripeEvent(event));
    expect(duplicate.result).toEqual({ status: 'duplicate' });
    expect(duplicate.transactions).toBe(0);
    expect(duplicate.statements).toHaveLength(1);
    expect(duplicate.httpRequests).toBe(1);
    expect(duplicate.stripeCalls).toBe(0);
    expect(duplicate.connections).toBe(0);
  });

  it('a sale payout after its webhook: 2 HTTP + 1 Stripe call held, 3 + 1 transferred, 1 settled', async () => {
    const item = await createItem(1_000);
    const owner = createTestUser();
    await addTestMember(testDb.db, item.organizationId, owner, 'owner');
    const checkout = await checkoutService().createCheckoutSession(createTestUser(), item.id);
    if (checkout.status !== 'checkout_created') throw new Error('expected a new checkout');
    for (const event of stub.payCheckoutSession(checkout.sessionId, { method: 'card' })) {
      await fulfillment().handleStripeEvent(JSON.parse(JSON.stringify(event)));
    }
    // The account cannot receive yet: the sale's state, and its charge and fee read and recorded.
    const held = await measure(() => payouts().settleSale(checkout.purchaseId));
    expect(held.result).toBe('awaiting_account');
    expectCheckoutCost(held, { requests: 2, stripeCalls: 1 });

    const caller = { organizationId: item.organizationId, userId: owner };
    const { stripeAccountId } = await payouts().startOnboarding(caller);
    for (const event of stub.completeAccountOnboarding(stripeAccountId)) {
      await payouts().handleConnectEvent({
        ...JSON.parse(JSON.stringify(event)),
        type: 'ignored.here',
      });
    }
    await payouts().reconcile({ stripeCallBudget: 1 }); // re-reads the account only
    // The state, the step's lease, the transfer, its record.
    const transferred = await measure(() => payouts().settleSale(checkout.purchaseId));
    expect(transferred.result).toBe('transferred');
    expectCheckoutCost(transferred, { requests: 3, stripeCalls: 1 });
    const settled = await measure(() => payouts().settleSale(checkout.purchaseId));
    expect(settled.result).toBe('settled');
    expectOneRequest(settled);
  });

  it('webhook with a promotion code and exclusive tax: still 1 HTTP request', async () => {
    const item = await createItem(500);
    const code = `HALF-${crypto.randomUUID().slice(0, 8)}`;
    stub.createPromotionCode({
      code,
      percentOff: 50,
      metadata: { organizationId: item.organizationId },
    });
    const checkout = await checkoutService({
      allowPromotionCodes: true,
      automaticTax: true,
    }).createCheckoutSession(createTestUser(), item.id, { promotionCode: code });
    if (checkout.status !== 'checkout_created') throw new Error('expected a new checkout');
    const events = stub.payCheckoutSession(checkout.sessionId);
    const event = events.find((candidate) => candidate.type === 'checkout.session.completed');
    const measured = await measure(() => fulfillment().handleStripeEvent(event));
    expect(measured.result).toMatchObject({ status: 'processed', result: { status: 'completed' } });
    expectOneRequest(measured);
  });

  describe('buyer reads: 1 HTTP request each, no connection', () => {
    /** A customer with three completed (free) purchases, made through checkout. */
    async function customerWithPurchases() {
      const customerId = createTestUser();
      const contentIds: string[] = [];
      for (let index = 0; index < 3; index++) {
        const item = await createItem(0);
        const checkout = await checkoutService().createCheckoutSession(customerId, item.id);
        if (checkout.status !== 'free_access_granted') throw new Error('expected free access');
        contentIds.push(item.id);
      }
      return { customerId, contentIds };
    }

    it('purchase history, first and next page', async () => {
      const { customerId } = await customerWithPurchases();
      const first = await measure(() => buyer().listPurchases(customerId, { limit: 2 }));
      expectOneRequest(first);
      expect(first.result.items).toHaveLength(2);
      const next = await measure(() =>
        buyer().listPurchases(customerId, { limit: 2, cursor: first.result.nextCursor ?? '' }),
      );
      expectOneRequest(next);
      expect(next.result).toMatchObject({ nextCursor: null });
    });

    it('one purchase', async () => {
      const { customerId } = await customerWithPurchases();
      const { items } = await buyer().listPurchases(customerId, { limit: 1 });
      const measured = await measure(() =>
        buyer().getPurchase(customerId, items[0]?.purchaseId ?? ''),
      );
      expectOneRequest(measured);
      expect(measured.result?.status).toBe('completed');
    });

    it('library', async () => {
      const { customerId } = await customerWithPurchases();
      const measured = await measure(() => buyer().listLibrary(customerId));
      expectOneRequest(measured);
      expect(measured.result.items).toHaveLength(3);
    });

    it('batch access check of 100 ids (none when no id is a UUID)', async () => {
      const { customerId, contentIds } = await customerWithPurchases();
      const asked = [...contentIds, ...Array.from({ length: 97 }, () => crypto.randomUUID())];
      const measured = await measure(() => access().checkAccessMany(customerId, asked));
      expectOneRequest(measured);
      expect(Object.values(measured.result).filter(Boolean)).toHaveLength(3);

      const nothingToAsk = await measure(() => access().checkAccessMany(customerId, ['nope']));
      expect(nothingToAsk.httpRequests).toBe(0);
      expect(nothingToAsk.statements).toHaveLength(0);
      expect(nothingToAsk.result).toEqual({ nope: false });
    });
  });
  /** The staff member of the organizations below (a row of `organization_members` in each). */
  const BUDGET_STAFF = 'auth0|budget-staff';

  describe('organization sales reads: 1 HTTP request each, no connection', () => {
    /**
     * An organization with three completed (free) sales, made through checkout, and its staff
     * member (the caller): the role is read in each read's own statement, no request more.
     */
    async function organizationWithSales() {
      const organization = await createTestOrganization(testDb.db);
      await addTestMember(testDb.db, organization.id, BUDGET_STAFF, 'member');
      for (let index = 0; index < 3; index++) {
        const item = await createTestContent(testDb.db, {
          organizationId: organization.id,
          priceCents: 0,
        });
        const checkout = await checkoutService().createCheckoutSession(createTestUser(), item.id);
        if (checkout.status !== 'free_access_granted') throw new Error('expected free access');
      }
      return { organizationId: organization.id, userId: BUDGET_STAFF };
    }

    it('sales list, first and next page (filtered)', async () => {
      const staff = await organizationWithSales();
      const filters = { status: 'completed' as const, from: new Date(Date.now() - 3_600_000) };
      const first = await measure(() => sales().listSales(staff, filters, { limit: 2 }));
      expectOneRequest(first);
      expect(first.result.items).toHaveLength(2);
      const next = await measure(() =>
        sales().listSales(staff, filters, {
          limit: 2,
          cursor: first.result.nextCursor ?? '',
        }),
      );
      expectOneRequest(next);
      expect(next.result).toMatchObject({ nextCursor: null });
    });

    it('sales summary: totals and days in one statement', async () => {
      const staff = await organizationWithSales();
      const measured = await measure(() => sales().summarizeSales(staff));
      expectOneRequest(measured);
      expect(measured.result.currencies).toMatchObject([{ count: 3 }]);
      expect(measured.result.byDay.length).toBeGreaterThan(0);
    });

    it('one export page of up to 1,000 rows', async () => {
      const staff = await organizationWithSales();
      const measured = await measure(() => sales().exportSalesPage(staff));
      expectOneRequest(measured);
      expect(measured.result.items).toHaveLength(3);
    });
  });

  describe('review queue', () => {
    it('one page of flags, each with its purchases, refunds, disputes and actions: 1 HTTP request', async () => {
      const organization = await createTestOrganization(testDb.db);
      await addTestMember(testDb.db, organization.id, BUDGET_STAFF, 'admin');
      const item = await createTestContent(testDb.db, {
        organizationId: organization.id,
        priceCents: 700,
      });
      for (let index = 0; index < 3; index++) {
        const [purchase] = await testDb.db
          .insert(contentPurchases)
          .values({
            customerId: createTestUser(),
            contentId: item.id,
            organizationId: organization.id,
            pricePaidCents: 700,
            currency: item.currency,
          })
          .returning({ id: contentPurchases.id });
        if (!purchase) throw new Error('no purchase');
        await testDb.db.insert(fulfillmentAnomalies).values({
          purchaseId: purchase.id,
          stripeObjectId: `cs_test_budget_${index}_${purchase.id}`,
          kind: 'amount_mismatch',
          details: { expected: 700, received: 600 },
        });
      }
      const staff = { organizationId: organization.id, userId: BUDGET_STAFF };
      const measured = await measure(() => review().listQueue(staff, 'open', { limit: 2 }));
      expectOneRequest(measured);
      expect(measured.result.items).toHaveLength(2);
    });
  });

  // Staff refunds are rare, not the hot path: a read of the purchase and the key, the request's
  // insert, Stripe, and the record of Stripe's answer. A repeated key is the read alone.
  describe('refund issued from the platform', () => {
    async function paidPurchase() {
      const organization = await createTestOrganization(testDb.db);
      await addTestMember(testDb.db, organization.id, BUDGET_STAFF, 'admin');
      const item = await createTestContent(testDb.db, {
        organizationId: organization.id,
        priceCents: 700,
      });
      const started = await checkoutService().createCheckoutSession(createTestUser(), item.id);
      if (started.status !== 'checkout_created') throw new Error(`unexpected ${started.status}`);
      for (const event of stub.payCheckoutSession(started.sessionId)) {
        await fulfillment().handleStripeEvent(JSON.parse(JSON.stringify(event)));
      }
      return {
        organizationId: organization.id,
        purchaseId: started.purchaseId,
        requestedBy: BUDGET_STAFF,
        idempotencyKey: crypto.randomUUID(),
        reason: 'requested_by_customer' as const,
        revokeAccess: true,
      };
    }

    it('new request: 3 HTTP requests around 1 Stripe call', async () => {
      const request = await paidPurchase();
      const measured = await measure(() => refunds().issueRefund(request));
      expect(measured.result.replayed).toBe(false);
      expectCheckoutCost(measured, { requests: 3, stripeCalls: 1 });
    });

    it('repeated key: 1 HTTP request, no Stripe call', async () => {
      const request = await paidPurchase();
      await refunds().issueRefund(request);
      const measured = await measure(() => refunds().issueRefund(request));
      expect(measured.result.replayed).toBe(true);
      expectOneRequest(measured);
    });
  });
});
