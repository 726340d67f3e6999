import {
  type DisputeStatus,
  isPayoutSaleSql,
  type PayoutRuleRow,
  type PurchaseStatus,
  payoutDueCents,
  payoutRuleColumnsOf,
  type Queryable,
  queryRows,
  sql,
  succeededRefundsSql,
} from '@codex/database';

/** One sale's payout as a step reads it: the purchase's money, the payout so far, the account. */
export interface SaleState extends PayoutRuleRow {
  purchaseId: string;
  organizationId: string;
  currency: string;
  stripePaymentIntentId: string | null;
  stripeChargeId: string | null;
  stripeFeeCents: number | null;
  transferId: string | null;
  transferredCents: number;
  reversedCents: number;
  uncoveredCents: number;
  stepsSent: number;
  stepsConfirmed: number;
  /** The organization's connected account, if it has one. */
  stripeAccountId: string | null;
  transfersActive: boolean;
}

/** What the sale owes now ({@link payoutDueCents}) less what has moved: > 0 to send, < 0 to take back. */
export function outstandingCents(sale: SaleState): number {
  return payoutDueCents(sale) - (sale.transferredCents - sale.reversedCents);
}

/**
 * One statement: makes sure the sale has its `sale_payouts` row (a completed paid purchase with
 * fee terms; `ON CONFLICT DO NOTHING` settles a race) and reads it with its purchase and the
 * organization's connected account. Undefined for a purchase that is not such a sale.
 */
export async function readSaleState(
  db: Queryable,
  purchaseId: string,
): Promise<SaleState | undefined> {
  const rows = await queryRows(
    db,
    sql`
    WITH inserted AS (
      INSERT INTO sale_payouts (purchase_id, organization_id)
      SELECT p.id, p.organization_id FROM content_purchases p
      WHERE p.id = ${purchaseId}::uuid AND p.status = 'completed'
        AND ${isPayoutSaleSql(payoutRuleColumnsOf('p'))}
      ON CONFLICT DO NOTHING
      RETURNING *
    ),
    payout AS (
      SELECT * FROM inserted
      UNION ALL
      SELECT * FROM sale_payouts WHERE purchase_id = ${purchaseId}::uuid
    )
    SELECT p.id, p.organization_id, p.status, p.dispute_status, p.currency,
           p.amount_total_cents, p.amount_tax_cents, ${succeededRefundsSql(sql`p.id`)} AS refunded_cents,
           p.platform_fee_basis_points, p.platform_fee_fixed_cents, p.stripe_payment_intent_id,
           s.stripe_charge_id, s.stripe_fee_cents, s.transfer_id, s.transferred_cents,
           s.reversed_cents, s.uncovered_cents, s.steps_sent, s.steps_confirmed,
           a.stripe_account_id, coalesce(a.transfers_active, false) AS transfers_active
    FROM payout s
    JOIN content_purchases p ON p.id = s.purchase_id
    LEFT JOIN payout_accounts a ON a.organization_id = p.organization_id
    LIMIT 1`,
  );
  const row = rows[0];
  return row ? toSaleState(row) : undefined;
}

function toSaleState(row: Record<string, unknown>): SaleState {
  const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
  const count = (value: unknown) => Number(value ?? 0);
  return {
    purchaseId: String(row.id),
    organizationId: String(row.organization_id),
    status: row.status as PurchaseStatus,
    disputeStatus: (row.dispute_status ?? null) as DisputeStatus | null,
    currency: String(row.currency),
    amountTotalCents: count(row.amount_total_cents),
    amountTaxCents: row.amount_tax_cents === null ? null : count(row.amount_tax_cents),
    refundedCents: count(row.refunded_cents),
    platformFeeBasisPoints: count(row.platform_fee_basis_points),
    platformFeeFixedCents: count(row.platform_fee_fixed_cents),
    stripePaymentIntentId: text(row.stripe_payment_intent_id),
    stripeChargeId: text(row.stripe_charge_id),
    stripeFeeCents: row.stripe_fee_cents === null ? null : count(row.stripe_fee_cents),
    transferId: text(row.transfer_id),
    transferredCents: count(row.transferred_cents),
    reversedCents: count(row.reversed_cents),
    uncoveredCents: count(row.uncovered_cents),
    stepsSent: count(row.steps_sent),
    stepsConfirmed: count(row.steps_confirmed),
    stripeAccountId: text(row.stripe_account_id),
    transfersActive: row.transfers_active === true || row.transfers_active === 't',
  };
}
