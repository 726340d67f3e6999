import { contentPurchases } from '@codex/database';
import { createTestContent, createTestOrganization } from '@codex/test-utils/factories';
import { withTestDatabase } from './test-support';

/** One sale of {@link seedOrganization}. */
export type SaleSeed = {
  status?: 'pending' | 'completed' | 'failed';
  createdAt: string;
  refundedCents?: number;
  dispute?: 'open' | 'won' | 'lost';
  title?: string;
  currency?: string;
  /**
   * A sale payouts apply to (decision 026): the checkout's recorded total and tax, and the fee
   * terms checkout recorded. Without it the sale has neither, like one from before payouts.
   */
  payout?: { chargedCents: number; taxCents?: number; basisPoints: number; fixedCents: number };
};

/** An organization with one item per seed and one sale per seed, each by its own customer. */
export async function seedOrganization(seeds: SaleSeed[]) {
  return withTestDatabase(async (db) => {
    const organization = await createTestOrganization(db);
    const rows: Array<{ purchaseId: string; contentId: string; customerId: string }> = [];
    for (const [index, seed] of seeds.entries()) {
      const item = await createTestContent(db, {
        organizationId: organization.id,
        title: seed.title ?? `Item ${index}`,
        priceCents: 1500,
        currency: seed.currency ?? 'usd',
      });
      const status = seed.status ?? 'completed';
      const createdAt = new Date(seed.createdAt);
      const customerId = `staff-test-buyer-${crypto.randomUUID()}`;
      const [row] = await db
        .insert(contentPurchases)
        .values({
          customerId,
          contentId: item.id,
          organizationId: organization.id,
          pricePaidCents: 1500,
          currency: item.currency,
          status,
          purchasedAt: status === 'completed' ? createdAt : null,
          amountRefundedCents: seed.refundedCents ?? 0,
          refundedAt: seed.refundedCents === 1500 ? createdAt : null,
          disputeStatus: seed.dispute ?? null,
          createdAt,
          ...(seed.payout
            ? {
                amountTotalCents: seed.payout.chargedCents,
                amountTaxCents: seed.payout.taxCents ?? null,
                platformFeeBasisPoints: seed.payout.basisPoints,
                platformFeeFixedCents: seed.payout.fixedCents,
              }
            : {}),
        })
        .returning({ id: contentPurchases.id });
      rows.push({ purchaseId: String(row?.id), contentId: item.id, customerId });
    }
    return { organizationId: organization.id, rows };
  });
}
