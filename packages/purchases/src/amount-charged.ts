import { contentPurchases, type SQL, sql } from '@codex/database';

/**
 * What the buyer was charged for a purchase, in SQL: the completed session's total
 * (`amount_total_cents`: price − discount + exclusive tax) when it was recorded, else the catalogue
 * price paid (older purchases, and purchases not completed). The one definition the buyer's
 * history, the sales list and summary, and refunds are measured by.
 */
export function amountCharged(): SQL<number> {
  return sql<number>`coalesce(${contentPurchases.amountTotalCents}, ${contentPurchases.pricePaidCents})`;
}
