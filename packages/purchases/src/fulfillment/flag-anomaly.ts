import { type FulfillmentAnomalyKind, fulfillmentAnomalies } from '@codex/database';
import type { Executor, FulfillmentResult } from './context';
import { toStorableJson } from './storable-text';

/**
 * Records a payment that does not match its purchase, for a person to review, once per (Stripe
 * object, kind): a repeated event adds nothing. `details` may quote the payload (what Stripe
 * showed): it is made storable in `jsonb` first. Returns the `flagged` result.
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
    .values({
      purchaseId: purchaseId ?? null,
      stripeObjectId,
      kind,
      details: toStorableJson(details) as Record<string, unknown>,
    })
    .onConflictDoNothing();
  return { status: 'flagged', purchaseId, kind };
}
