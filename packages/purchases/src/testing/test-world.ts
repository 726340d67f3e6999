import type { Database } from '@codex/database';
import { type StripeStub, startStripeStub } from '@codex/local-stripe';
import { ObservabilityClient } from '@codex/observability';
import {
  createTestContent,
  createTestDatabase,
  createTestOrganization,
  createTestUser,
  type TestDatabase,
} from '@codex/test-utils';
import { afterAll, beforeAll } from 'vitest';
import { BuyerService } from '../buyer-service';
import { createStripeClient } from '../create-stripe-client';
import { FulfillmentService } from '../fulfillment-service';
import { PurchaseService, type PurchaseServiceConfig } from '../purchase-service';
import { RefundService } from '../refund-service';
import { SalesService } from '../sales-service';

/**
 * A database and a Stripe stand-in of their own, and the services wired to them as a worker would:
 * the pool for transactions, SQL over HTTP for the hot statements.
 */
export interface TestWorld {
  readonly testDb: TestDatabase;
  readonly db: Database;
  readonly stub: StripeStub;
  fulfillment(clock?: () => Date): FulfillmentService;
  /** The checkout service; `config` adds options to the test deployment's (`webAppUrl`). */
  purchases(config?: Omit<PurchaseServiceConfig, 'webAppUrl'>): PurchaseService;
  /** The buyer reads, on SQL over HTTP as the checkout worker runs them. */
  buyer(): BuyerService;
  /** The organization sales reads, on SQL over HTTP as the checkout worker runs them. */
  sales(): SalesService;
  /** Refunds issued by staff, on SQL over HTTP and the stand-in, as the checkout worker runs them. */
  refunds(): RefundService;
  /** A published item of a new organization, and a new customer to buy it. */
  newItem(
    priceCents: number,
  ): Promise<{ contentId: string; customerId: string; organizationId: string }>;
  close(): Promise<void>;
}

const logger = new ObservabilityClient('purchases-test', 'test', { write: () => undefined });

/** Starts a {@link TestWorld}; `close()` it when done. */
export async function createTestWorld(
  options: { maxConnections?: number } = {},
): Promise<TestWorld> {
  const [testDb, stub] = await Promise.all([
    createTestDatabase(options.maxConnections ? { maxConnections: options.maxConnections } : {}),
    startStripeStub(),
  ]);
  const stripe = () =>
    createStripeClient({ secretKey: 'sk_test_purchases_0123', apiBase: stub.url });
  return {
    testDb,
    db: testDb.db,
    stub,
    fulfillment: (clock) =>
      new FulfillmentService({
        db: testDb.db,
        stripe: stripe(),
        logger,
        ...(clock ? { clock } : {}),
      }),
    purchases: (config = {}) =>
      new PurchaseService({
        db: testDb.db,
        http: testDb.http,
        stripe: stripe(),
        logger,
        config: { ...config, webAppUrl: 'https://app.codex.test' },
      }),
    buyer: () => new BuyerService({ db: testDb.db, http: testDb.http }),
    sales: () => new SalesService({ db: testDb.db, http: testDb.http }),
    refunds: () =>
      new RefundService({ db: testDb.db, http: testDb.http, stripe: stripe(), logger }),
    async newItem(priceCents) {
      const organization = await createTestOrganization(testDb.db);
      const item = await createTestContent(testDb.db, {
        organizationId: organization.id,
        priceCents,
      });
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
