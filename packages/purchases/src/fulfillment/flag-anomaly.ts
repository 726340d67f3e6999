import { type FulfillmentAnomalyKind, fulfillmentAnomalies } from '@codex/database';
import type { Executor, FulfillmentResult } from './context';

/**
 * Records a payment that does not match its purchase, for a person to review, once per (Stripe
 * object, kind): a repeated event adds nothing. Returns the `flagged` result.
 */
export async function flagAnomaly(
  db: Executor,
  stripeObjectId: string,
  purchaseId: string | undefined,
  kind: FulfillmentAnomalyKind,
  details: Record<string, unknown>,
): Promise<FulfillmentResult> {
  await db
    .insert(fulfillmentAnomalies)
    .values({ purchaseId: purchaseId ?? null, stripeObjectId, kind, details })
    .onConflictDoNothing();
  return { status: 'flagged', purchaseId, kind };
}
