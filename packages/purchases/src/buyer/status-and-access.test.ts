import {
  contentPurchases,
  type DisputeStatus,
  disputeStatuses,
  grantsAccessPredicate,
  inArray,
  type PurchaseStatus,
  purchaseStatuses,
  sql,
} from '@codex/database';
import { createTestContent, createTestOrganization, createTestUser } from '@codex/test-utils';
import { describe, expect, it } from 'vitest';
import { grantsAccess } from '../access-policy';
import { useTestWorld } from '../testing/test-world';
import { type BuyerPurchaseStatus, buyerStatus } from './buyer-status';

const world = useTestWorld();

const PRICE_CENTS = 500;

/** Every combination of the columns the access rule and the buyer status read. */
const combinations = purchaseStatuses.flatMap((status) =>
  [null, new Date('2026-03-01T00:00:00Z')].flatMap((refundedAt) =>
    [null, ...disputeStatuses].flatMap((disputeStatus) =>
      [0, 200, PRICE_CENTS].flatMap((amountRefundedCents) =>
        [false, true].map((refundKeepsAccess) => ({
          status,
          refundedAt,
          refundKeepsAccess,
          disputeStatus,
          amountRefundedCents,
        })),
      ),
    ),
  ),
);

/** The buyer status table of `buyerStatus`, as its documentation states it. */
function documentedBuyerStatus(row: {
  status: PurchaseStatus;
  refundedAt: Date | null;
  disputeStatus: DisputeStatus | null;
  amountRefundedCents: number;
}): BuyerPurchaseStatus {
  if (row.status === 'failed') return 'failed';
  if (row.status === 'pending') return 'pending';
  if (row.disputeStatus === 'open' || row.disputeStatus === 'lost') return 'disputed';
  if (row.refundedAt !== null) return 'refunded';
  if (row.amountRefundedCents > 0) return 'partially_refunded';
  return 'completed';
}

describe('the access rule and the buyer status, evaluated by Postgres on real rows', () => {
  it('grantsAccessPredicate agrees with grantsAccess, and buyerStatus with its table, on every combination', async () => {
    const organization = await createTestOrganization(world().db);
    const item = await createTestContent(world().db, {
      organizationId: organization.id,
      priceCents: PRICE_CENTS,
    });
    // One customer per row: rows of one customer and item would compete for the purchase slot.
    const inserted = await world()
      .db.insert(contentPurchases)
      .values(
        combinations.map((combination) => ({
          ...combination,
          customerId: createTestUser(),
          contentId: item.id,
          organizationId: organization.id,
          pricePaidCents: PRICE_CENTS,
          currency: 'usd',
          purchasedAt: combination.status === 'completed' ? new Date('2026-02-01T00:00:00Z') : null,
        })),
      )
      .returning({ id: contentPurchases.id });
    expect(inserted).toHaveLength(3 * 2 * 4 * 3 * 2);

    const evaluated = await world()
      .db.select({
        status: contentPurchases.status,
        refundedAt: contentPurchases.refundedAt,
        refundKeepsAccess: contentPurchases.refundKeepsAccess,
        disputeStatus: contentPurchases.disputeStatus,
        amountRefundedCents: contentPurchases.amountRefundedCents,
        grantsAccessInSql: sql<boolean>`${grantsAccessPredicate(contentPurchases)}`,
        buyerStatus: buyerStatus(),
      })
      .from(contentPurchases)
      .where(
        inArray(
          contentPurchases.id,
          inserted.map((row) => row.id),
        ),
      );

    expect(evaluated).toHaveLength(combinations.length);
    for (const row of evaluated) {
      const { grantsAccessInSql, buyerStatus: statusInSql, ...columns } = row;
      expect(grantsAccessInSql, JSON.stringify(columns)).toBe(grantsAccess(columns));
      expect(statusInSql, JSON.stringify(columns)).toBe(documentedBuyerStatus(columns));
      // What the buyer is told agrees with what the player allows; a purchase refunded in full by
      // refunds issued to keep access says `refunded` (the money went back) and still plays.
      expect(
        ['completed', 'partially_refunded'].includes(statusInSql) ||
          (statusInSql === 'refunded' && columns.refundKeepsAccess),
        JSON.stringify(columns),
      ).toBe(grantsAccessInSql);
    }
  });
});
