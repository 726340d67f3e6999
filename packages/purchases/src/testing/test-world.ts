import type { Database } from '@codex/database';
import { type StripeStub, startStripeStub } from '@codex/local-stripe';
import { ObservabilityClient } from '@codex/observability';
import {
  addTestMember,
  createTestContent,
  createTestDatabase,
  createTestOrganization,
  createTestUser,
  type TestDatabase,
} from '@codex/test-utils';
import type Stripe from 'stripe';
import { afterAll, beforeAll } from 'vitest';
import { AccessService } from '../access-service';
import { BuyerService } from '../buyer-service';
import type { CheckoutServiceConfig } from '../checkout/checkout-context';
import { CheckoutService } from '../checkout-service';
import { FulfillmentService } from '../fulfillment-service';
import { PayoutService } from '../payout-service';
import { RefundService } from '../refund-service';
import { ReviewService } from '../review-service';
import { SalesService } from '../sales-service';
import { testStripeClient } from './test-stripe-client';

/**
 * A database and a Stripe stand-in of their own, and the services wired to them as a worker would:
 * the pool for transactions, SQL over HTTP for the hot statements.
 */
export interface TestWorld {
  readonly testDb: TestDatabase;
  readonly db: Database;
  readonly stub: StripeStub;
  fulfillment(clock?: () => Date): FulfillmentService;
  /** A Stripe client on the stand-in, as the workers build theirs. */
  stripe(): Stripe;
  /** The checkout service; `config` adds options to the test deployment's (`webAppUrl`). */
  checkout(config?: Omit<CheckoutServiceConfig, 'webAppUrl'>): CheckoutService;
  /** The access checks, on SQL over HTTP as the checkout worker runs them. */
  access(): AccessService;
  /** The buyer reads, on SQL over HTTP as the checkout worker runs them. */
  buyer(): BuyerService;
  /** The organization sales reads, on SQL over HTTP as the checkout worker runs them. */
  sales(): SalesService;
  /** Refunds issued by staff, on SQL over HTTP and the stand-in, as the checkout worker runs them. */
  refunds(): RefundService;
  /** The review queue, on the world's Stripe stub. */
  review(clock?: () => Date): ReviewService;
  /** Payouts (onboarding, settling, earnings), on SQL over HTTP and the stand-in. */
  payouts(clock?: () => Date): PayoutService;
  /**
   * A published item of a new organization whose one staff member is {@link TEST_STAFF_OWNER}
   * (an `owner` row), and a new customer to buy it.
   */
  newItem(
    priceCents: number,
  ): Promise<{ contentId: string; customerId: string; organizationId: string }>;
  close(): Promise<void>;
}

/** The owner of every organization `newItem` creates: the `requestedBy` of the tests' refunds. */
export const TEST_STAFF_OWNER = 'auth0|staff-owner';

const logger = new ObservabilityClient('purchases-test', 'test', { write: () => undefined });

/** Starts a {@link TestWorld}; `close()` it when done. */
export async function createTestWorld(
  options: { maxConnections?: number } = {},
): Promise<TestWorld> {
  const [testDb, stub] = await Promise.all([
    createTestDatabase(options.maxConnections ? { maxConnections: options.maxConnections } : {}),
    startStripeStub(),
  ]);
  const stripe = () => testStripeClient(stub.url);
  return {
    testDb,
    db: testDb.db,
    stub,
    stripe,
    fulfillment: (clock) =>
      new FulfillmentService({
        db: testDb.db,
        stripe: stripe(),
        logger,
        ...(clock ? { clock } : {}),
      }),
    checkout: (config = {}) =>
      new CheckoutService({
        db: testDb.db,
        http: testDb.http,
        stripe: stripe(),
        logger,
        config: { ...config, webAppUrl: 'https://app.codex.test' },
      }),
    access: () => new AccessService({ db: testDb.db, http: testDb.http }),
    buyer: () => new BuyerService({ db: testDb.db, http: testDb.http }),
    sales: () => new SalesService({ db: testDb.db, http: testDb.http }),
    refunds: () =>
      new RefundService({ db: testDb.db, http: testDb.http, stripe: stripe(), logger }),
    review: (clock) =>
      new ReviewService({
        db: testDb.db,
        http: testDb.http,
        stripe: stripe(),
        logger,
        ...(clock ? { clock } : {}),
      }),
    payouts: (clock) =>
      new PayoutService({
        db: testDb.db,
        http: testDb.http,
        stripe: stripe(),
        logger,
        webAppUrl: 'https://app.codex.test',
        ...(clock ? { clock } : {}),
      }),
    async newItem(priceCents) {
      const organization = await createTestOrganization(testDb.db);
      const item = await createTestContent(testDb.db, {
        organizationId: organization.id,
        priceCents,
      });
      await addTestMember(testDb.db, organization.id, TEST_STAFF_OWNER, 'owner');
      return { contentId: item.id, customerId: createTestUser(), organizationId: organization.id };
    },
    close: async () => {
      await Promise.all([testDb.close(), stub.close()]);
    },
  };
}

/** One {@link TestWorld} for the whole test file: started before its tests, closed after. */
export function useTestWorld(options: { maxConnections?: number } = {}): () => TestWorld {
  let world: TestWorld | undefined;
  beforeAll(async () => {
    world = await createTestWorld(options);
  });
  afterAll(async () => {
    await world?.close();
  });
  return () => {
    if (!world) throw new Error('useTestWorld: the world is only there inside tests');
    return world;
  };
}
