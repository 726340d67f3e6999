import {
  createTestContent,
  createTestDatabase,
  createTestOrganization,
  createTestUser,
  type TestDatabase,
} from '@codex/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, isUniqueViolation, sql } from '../index';
import { contentPurchases } from './index';

const RACERS = 20;
let testDb: TestDatabase;

beforeAll(async () => {
  testDb = await createTestDatabase({ maxConnections: RACERS });
});

afterAll(async () => {
  await testDb?.close();
});

describe('racing checkouts', () => {
  it(`lets exactly one of ${RACERS} simultaneous pending purchases in`, async () => {
    const organization = await createTestOrganization(testDb.db);
    const item = await createTestContent(testDb.db, { organizationId: organization.id });
    const customerId = createTestUser();

    // Open every connection first, so the inserts leave at the same moment on separate
    // connections. On a Postgres server they truly run in parallel, which the warm-up proves: 20
    // sleeps of 100 ms overlap. PGlite (the embedded fallback) serialises them.
    const warmUpStarted = performance.now();
    await Promise.all(
      Array.from({ length: RACERS }, () => testDb.db.execute(sql`SELECT pg_sleep(0.1)`)),
    );
    if (testDb.mode === 'server') {
      expect(performance.now() - warmUpStarted).toBeLessThan((RACERS * 100) / 2);
    }

    const results = await Promise.allSettled(
      Array.from({ length: RACERS }, () =>
        testDb.db.insert(contentPurchases).values({
          customerId,
          contentId: item.id,
          organizationId: item.organizationId,
          pricePaidCents: item.priceCents,
          currency: item.currency,
        }),
      ),
    );

    const winners = results.filter((result) => result.status === 'fulfilled');
    const losers = results.filter((result) => result.status === 'rejected');
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(RACERS - 1);
    for (const loser of losers) {
      expect(
        isUniqueViolation(loser.reason, 'content_purchases_one_active_per_customer_content'),
      ).toBe(true);
    }
    const rows = await testDb.db
      .select()
      .from(contentPurchases)
      .where(eq(contentPurchases.customerId, customerId));
    expect(rows).toHaveLength(1);
  });
});
