import { contentPurchases } from '@codex/database';
import {
  createTestContent,
  createTestOrganization,
  createTestUser,
} from '@codex/test-utils/factories';
import { authorizationFor, callWorker, withTestDatabase } from './test-support';

// The buyer's reads through the worker (history, one purchase, library, batch access) start from
// one customer's purchases. What each query returns is proven in @codex/purchases (src/buyer/); the
// route tests prove routing, auth, ownership, the JSON shape, pagination over HTTP and the errors.

/** One purchase to seed: its status, whether it was refunded in full, its item's title. */
export type Seed = {
  status: 'pending' | 'completed' | 'failed';
  refunded?: boolean;
  title?: string;
};

/** One customer with one purchase per seed, oldest first; returns ids in seed order. */
export async function seedPurchases(seeds: Seed[]) {
  return withTestDatabase(async (db) => {
    const organization = await createTestOrganization(db);
    const customerId = createTestUser();
    const rows: Array<{ purchaseId: string; contentId: string }> = [];
    for (const [index, seed] of seeds.entries()) {
      const item = await createTestContent(db, {
        organizationId: organization.id,
        title: seed.title ?? `Item ${index}`,
        priceCents: 1500,
      });
      const createdAt = new Date(Date.UTC(2026, 0, 1, 0, index));
      const [row] = await db
        .insert(contentPurchases)
        .values({
          customerId,
          contentId: item.id,
          organizationId: organization.id,
          pricePaidCents: item.priceCents,
          currency: item.currency,
          status: seed.status,
          purchasedAt: seed.status === 'completed' ? createdAt : null,
          refundedAt: seed.refunded ? createdAt : null,
          amountRefundedCents: seed.refunded ? 1500 : 0,
          createdAt,
        })
        .returning({ id: contentPurchases.id });
      rows.push({ purchaseId: String(row?.id), contentId: item.id });
    }
    return { customerId, rows };
  });
}

/** `GET path` as `customerId`, with a valid buyer token. */
export async function getAsBuyer(customerId: string, path: string) {
  return callWorker(path, { headers: await authorizationFor(customerId) });
}
