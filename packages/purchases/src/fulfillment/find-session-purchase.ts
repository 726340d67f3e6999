import { contentPurchases, eq, or } from '@codex/database';
import type { Executor } from './context';
import { type PurchaseRow, purchaseRowColumns } from './purchase-row';
import { type CheckoutSessionSnapshot, isUuid } from './stripe-events';

/** The purchase a session belongs to: by session id, else by the purchase id it carries. */
export async function findSessionPurchase(
  db: Executor,
  session: CheckoutSessionSnapshot,
): Promise<PurchaseRow | undefined> {
  const claimedId = session.client_reference_id ?? session.metadata?.purchaseId;
  const byClaimedId =
    claimedId && isUuid(claimedId) ? eq(contentPurchases.id, claimedId) : undefined;
  const rows = await db
    .select(purchaseRowColumns)
    .from(contentPurchases)
    .where(
      byClaimedId
        ? or(eq(contentPurchases.stripeCheckoutSessionId, session.id), byClaimedId)
        : eq(contentPurchases.stripeCheckoutSessionId, session.id),
    )
    .limit(2);
  return rows.find((row) => row.stripeCheckoutSessionId === session.id) ?? rows[0];
}

/** Which id of the session disagrees with the purchase, if any. */
export function linkageProblem(
  purchase: PurchaseRow,
  session: CheckoutSessionSnapshot,
): string | undefined {
  if (purchase.stripeCheckoutSessionId && purchase.stripeCheckoutSessionId !== session.id) {
    return 'purchase is linked to another checkout session';
  }
  if (session.client_reference_id && session.client_reference_id !== purchase.id) {
    return 'client_reference_id names another purchase';
  }
  const metadata = session.metadata ?? {};
  if (metadata.purchaseId && metadata.purchaseId !== purchase.id)
    return 'metadata.purchaseId differs';
  if (metadata.contentId && metadata.contentId !== purchase.contentId) {
    return 'metadata.contentId differs';
  }
  if (metadata.customerId && metadata.customerId !== purchase.customerId) {
    return 'metadata.customerId differs';
  }
  return undefined;
}
