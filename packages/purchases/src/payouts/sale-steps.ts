import { type Queryable, queryRows, sql } from '@codex/database';
import type Stripe from 'stripe';

/*
 * The statements a sale's payout steps record with. Each is one statement, conditional, and
 * idempotent: recording the same Stripe object twice changes nothing.
 */

/**
 * How long a claimed step may run before another worker may take it over. Longer than the Stripe
 * client's timeout with its retries, so a step is never sent by two workers at once.
 */
export const STEP_LEASE_MS = 2 * 60_000;

/** `sale_<purchase id>`: the transfer's group, by which a transfer never recorded is found again. */
export function saleTransferGroup(purchaseId: string): string {
  return `sale_${purchaseId}`;
}

/** A claimed step: its number (for its idempotency key) and whether an earlier one is unconfirmed. */
export interface ClaimedStep {
  step: number;
  /** An earlier step was sent and its answer never recorded: ask Stripe before sending another. */
  earlierUnconfirmed: boolean;
}

/**
 * Claims the sale's next Stripe step: a conditional update that only one worker wins while the
 * lease runs, and only while the sale's steps are as the caller's read of the sale saw them
 * (`read`): none claimed since (`stepsSent`) and none recorded since (`stepsConfirmed`). A worker
 * whose read is older than another's claim, or older than the end of a step that was in flight
 * when it read (that transfer made, that reversal recorded), must read again, never act on what
 * it saw. Undefined when the lease is held or the read is stale.
 */
export async function claimStep(
  db: Queryable,
  purchaseId: string,
  now: Date,
  read: { stepsSent: number; stepsConfirmed: number },
): Promise<ClaimedStep | undefined> {
  const rows = await queryRows<{ steps_sent: number; steps_confirmed: number }>(
    db,
    sql`UPDATE sale_payouts
        SET leased_until = ${new Date(now.getTime() + STEP_LEASE_MS).toISOString()}::timestamptz,
            steps_sent = steps_sent + 1, updated_at = now()
        WHERE purchase_id = ${purchaseId}::uuid AND steps_sent = ${read.stepsSent}::int
          AND steps_confirmed = ${read.stepsConfirmed}::int
          AND (leased_until IS NULL OR leased_until <= ${now.toISOString()}::timestamptz)
        RETURNING steps_sent, steps_confirmed`,
  );
  const row = rows[0];
  if (!row) return undefined;
  const step = Number(row.steps_sent);
  return { step, earlierUnconfirmed: step - 1 > Number(row.steps_confirmed) };
}

/**
 * Ends a claimed step. `confirmed`: its outcome is known (recorded, or refused by Stripe), so it
 * needs no asking later; otherwise (a timeout, Stripe down) the lease ends and the next step asks
 * Stripe first.
 */
export async function releaseStep(
  db: Queryable,
  purchaseId: string,
  step: number,
  confirmed: boolean,
): Promise<void> {
  await queryRows(
    db,
    sql`UPDATE sale_payouts
        SET leased_until = NULL, updated_at = now(),
            steps_confirmed = CASE WHEN ${confirmed}::boolean THEN greatest(steps_confirmed, ${step}::int) ELSE steps_confirmed END
        WHERE purchase_id = ${purchaseId}::uuid`,
  );
}

/** Records the sale's charge and Stripe's fee on it (read once; the first answer stays). */
export async function recordCharge(
  db: Queryable,
  purchaseId: string,
  chargeId: string,
  feeCents: number | null,
): Promise<void> {
  await queryRows(
    db,
    sql`UPDATE sale_payouts SET stripe_charge_id = ${chargeId}, stripe_fee_cents = ${feeCents}::int,
          updated_at = now()
        WHERE purchase_id = ${purchaseId}::uuid AND stripe_charge_id IS NULL`,
  );
}

/**
 * Records the sale's transfer and the reversals Stripe shows of it, confirms `step` and ends the
 * lease. The transfer is recorded only if the sale has none (the primary key and the unique
 * `transfer_id` hold one transfer per sale whatever races).
 */
export async function recordTransfer(
  db: Queryable,
  purchaseId: string,
  transfer: Stripe.Transfer,
  step: number,
): Promise<void> {
  await queryRows(
    db,
    sql`UPDATE sale_payouts
        SET transfer_id = ${transfer.id}, transferred_cents = ${transfer.amount}::int,
            leased_until = NULL, steps_confirmed = greatest(steps_confirmed, ${step}::int),
            updated_at = now()
        WHERE purchase_id = ${purchaseId}::uuid AND transfer_id IS NULL`,
  );
  const reversals = transfer.reversals?.data ?? [];
  if (reversals.length > 0) await recordReversals(db, purchaseId, transfer.id, reversals, step);
}

/**
 * Records reversals of the sale's transfer by their Stripe ids (each once), sets `reversed_cents`
 * to their sum, clears `uncovered_cents`, closes an uncovered-reversal flag, confirms `step` and
 * ends the lease. One statement.
 */
export async function recordReversals(
  db: Queryable,
  purchaseId: string,
  transferId: string,
  reversals: ReadonlyArray<Pick<Stripe.TransferReversal, 'id' | 'amount'>>,
  step: number,
): Promise<void> {
  const values = sql.join(
    reversals.map(
      (reversal) =>
        sql`(${reversal.id}, ${purchaseId}::uuid, ${transferId}, ${reversal.amount}::int)`,
    ),
    sql`, `,
  );
  await queryRows(
    db,
    sql`
    WITH inserted AS (
      INSERT INTO payout_reversals (id, purchase_id, transfer_id, amount_cents)
      VALUES ${values}
      ON CONFLICT (id) DO NOTHING
      RETURNING amount_cents
    ),
    payout AS (
      UPDATE sale_payouts
      SET reversed_cents =
            (SELECT coalesce(sum(amount_cents), 0) FROM payout_reversals WHERE purchase_id = ${purchaseId}::uuid)
            + (SELECT coalesce(sum(amount_cents), 0) FROM inserted),
          uncovered_cents = 0, leased_until = NULL,
          steps_confirmed = greatest(steps_confirmed, ${step}::int), updated_at = now()
      WHERE purchase_id = ${purchaseId}::uuid
      RETURNING purchase_id
    )
    UPDATE fulfillment_anomalies
    SET resolved_at = now(), resolution = 'settled', resolved_by = 'system'
    WHERE stripe_object_id = ${transferId} AND kind = 'payout_reversal_uncovered'
      AND resolved_at IS NULL AND EXISTS (SELECT 1 FROM payout)`,
  );
}

/**
 * Records a reversal the connected account could not cover: its amount on the sale, and a flag in
 * the review queue (`payout_reversal_uncovered`, one per transfer; opened again only when the
 * amount changes, so a dismissed flag is not re-opened by every retry). Confirms `step`, ends the
 * lease.
 */
export async function recordUncoveredReversal(
  db: Queryable,
  purchaseId: string,
  transferId: string,
  refusal: { amountCents: number; currency: string; stripeCode: string | null },
  step: number,
): Promise<void> {
  const { amountCents } = refusal;
  const details = JSON.stringify({ ...refusal, transferId });
  await queryRows(
    db,
    sql`
    WITH payout AS (
      UPDATE sale_payouts
      SET uncovered_cents = ${amountCents}::int, leased_until = NULL,
          steps_confirmed = greatest(steps_confirmed, ${step}::int), updated_at = now()
      WHERE purchase_id = ${purchaseId}::uuid
      RETURNING purchase_id
    )
    INSERT INTO fulfillment_anomalies (purchase_id, stripe_object_id, kind, details)
    SELECT purchase_id, ${transferId}, 'payout_reversal_uncovered', ${details}::jsonb FROM payout
    ON CONFLICT (stripe_object_id, kind) DO UPDATE
      SET details = EXCLUDED.details, resolved_at = NULL
      WHERE fulfillment_anomalies.resolved_at IS NULL
         OR fulfillment_anomalies.resolution = 'settled'
         OR fulfillment_anomalies.details->>'amountCents' IS DISTINCT FROM EXCLUDED.details->>'amountCents'`,
  );
}
