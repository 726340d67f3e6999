import type { Database } from '@codex/database';
import { createTestContent } from '@codex/test-utils';
import { demoCatalogue, demoIds } from '../demo-data';
import type { SoakItem } from './run-purchase';

/**
 * The items the soak's buyers buy, all of the demo organization (whose owner refunds from the
 * platform): the paid demo item, and three more seeded into the soak's database: the smallest
 * price Stripe charges in USD (where partial refunds round hardest), an odd price, and another
 * currency.
 */
export async function seedSoakItems(db: Database): Promise<SoakItem[]> {
  const [paid] = demoCatalogue;
  const more = await Promise.all(
    [
      { priceCents: 50, currency: 'usd' },
      { priceCents: 999, currency: 'usd' },
      { priceCents: 300, currency: 'gbp' },
    ].map((item) =>
      createTestContent(db, {
        organizationId: demoIds.organization,
        title: `Soak item ${item.priceCents} ${item.currency}`,
        ...item,
      }),
    ),
  );
  return [
    { contentId: paid.id, priceCents: paid.priceCents, currency: paid.currency },
    ...more.map((row) => ({
      contentId: row.id,
      priceCents: row.priceCents,
      currency: row.currency,
    })),
  ];
}
