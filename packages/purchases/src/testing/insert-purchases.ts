import { contentPurchases, type NewContentPurchase } from '@codex/database';
import { createTestContent, createTestOrganization } from '@codex/test-utils';
import type { TestWorld } from './test-world';

/** The state columns a test purchase may set. */
export type PurchaseState = Partial<
  Pick<
    NewContentPurchase,
    | 'status'
    | 'refundedAt'
    | 'amountRefundedCents'
    | 'disputeStatus'
    | 'purchasedAt'
    | 'createdAt'
    | 'amountDiscountCents'
    | 'amountTotalCents'
  >
>;

export const completed = (purchasedAt = new Date()): PurchaseState => ({
  status: 'completed',
  purchasedAt,
});

/**
 * Inserts purchases of `customerId` in the given states, each of a new item (so none competes for
 * another's purchase slot), in one statement: rows without their own `createdAt` share one.
 */
export async function insertPurchases(
  world: TestWorld,
  customerId: string,
  states: PurchaseState[],
) {
  const organization = await createTestOrganization(world.db);
  const items = await Promise.all(
    states.map((_, index) =>
      createTestContent(world.db, {
        organizationId: organization.id,
        priceCents: 800,
        title: `Item ${index}`,
      }),
    ),
  );
  const rows = await world.db
    .insert(contentPurchases)
    .values(
      states.map((state, index) => ({
        customerId,
        contentId: items[index]?.id ?? '',
        organizationId: organization.id,
        pricePaidCents: 800,
        currency: 'eur',
        ...state,
      })),
    )
    .returning();
  return rows.map((row, index) => ({ ...row, title: items[index]?.title ?? '' }));
}
