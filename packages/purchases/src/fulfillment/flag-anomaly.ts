import { type FulfillmentAnomalyKind, fulfillmentAnomalies, isNotNull } from '@codex/database';
import type { Executor, FulfillmentResult } from './context';
import { toStorableJson } from './storable-text';

/**
 * Records a payment that does not match its purchase, for a person to review, once per (Stripe
 * object, kind): a repeated event adds nothing, except that it re-opens the anomaly if a person had
 * resolved it (`resolved_at` back to null; the first `created_at` and details are kept), so the
 * problem seen again is reviewed again instead of being re-read from Stripe on every
 * reconciliation run. `details` may quote the payload (what Stripe showed): it is made storable in
 * `jsonb` first. Returns the `flagged` result.
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
    .onConflictDoUpdate({
      target: [fulfillmentAnomalies.stripeObjectId, fulfillmentAnomalies.kind],
      set: { resolvedAt: null },
      setWhere: isNotNull(fulfillmentAnomalies.resolvedAt),
    });
  return { status: 'flagged', purchaseId, kind };
}
