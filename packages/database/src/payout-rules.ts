import { type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import type { DisputeStatus, PurchaseStatus } from './schema/purchases';

/*
 * The payout rules (decision 026): what a sale owes its organization, written in TypeScript and in
 * SQL side by side like the purchase rules. `payout-rules.test.ts` evaluates both halves in
 * Postgres over many rows and fails when they disagree. Amounts are in the currency's smallest
 * unit; every division rounds half up, in integers (no floating point touches money).
 *
 * - The base a fee is taken from is what was charged without tax (tax is the buyer's, remitted,
 *   never revenue): `amount_total − amount_tax` (tax-inclusive prices include it in the total).
 * - The platform fee: `bps` of the base, rounded, plus a fixed part, never more than the base.
 * - The organization's share: the base less the platform fee. Stripe's processing fee is the
 *   platform's to bear (it comes out of the platform fee), so it never changes the share.
 * - What the sale owes now: nothing if it is not completed or was lost in a dispute; else the
 *   share in proportion to what is left of the charge after the refunds that succeeded (a pending
 *   refund may still fail, and a share taken back for it could not be paid again: each sale is
 *   transferred once). Refunds so take back the platform fee in the same proportion.
 */

type Column = SQLWrapper;

/** The purchase columns the payout rules read. */
export interface PayoutRuleColumns {
  status: Column;
  disputeStatus: Column;
  amountTotalCents: Column;
  amountTaxCents: Column;
  /** Σ of the purchase's refunds that succeeded ({@link succeededRefundsSql}). */
  refundedCents: Column;
  platformFeeBasisPoints: Column;
  platformFeeFixedCents: Column;
}

/** The same as values of one row (a sale: completed paid purchases with terms). */
export interface PayoutRuleRow {
  status: PurchaseStatus;
  disputeStatus: DisputeStatus | null;
  amountTotalCents: number;
  amountTaxCents: number | null;
  /** Σ of the purchase's refunds that succeeded. */
  refundedCents: number;
  platformFeeBasisPoints: number;
  platformFeeFixedCents: number;
}

/** `⌊(2·n + d) / (2·d)⌋`: n / d rounded half up, for n ≥ 0 and d > 0, exact in integers. */
function divideRoundingHalfUp(numerator: bigint, denominator: bigint): number {
  return Number((2n * numerator + denominator) / (2n * denominator));
}

function divideRoundingHalfUpSql(numerator: SQL, denominator: SQL): SQL<number> {
  return sql<number>`((2 * (${numerator})::bigint + (${denominator})::bigint) / (2 * (${denominator})::bigint))::int`;
}

/** What the fee is taken from: the amount charged without tax. */
export function saleBaseCents(row: Pick<PayoutRuleRow, 'amountTotalCents' | 'amountTaxCents'>) {
  return Math.max(row.amountTotalCents - (row.amountTaxCents ?? 0), 0);
}

export function saleBaseCentsSql(columns: PayoutRuleColumns): SQL<number> {
  return sql<number>`greatest(${columns.amountTotalCents} - coalesce(${columns.amountTaxCents}, 0), 0)`;
}

/** The platform's fee on the sale, at the terms it was sold under. */
export function platformFeeCents(row: PayoutRuleRow): number {
  const base = saleBaseCents(row);
  const proportional = divideRoundingHalfUp(
    BigInt(base) * BigInt(row.platformFeeBasisPoints),
    10_000n,
  );
  return Math.min(base, proportional + row.platformFeeFixedCents);
}

export function platformFeeCentsSql(columns: PayoutRuleColumns): SQL<number> {
  const base = saleBaseCentsSql(columns);
  return sql<number>`least(${base}, ${divideRoundingHalfUpSql(sql`${base}::bigint * ${columns.platformFeeBasisPoints}`, sql`10000`)} + ${columns.platformFeeFixedCents})`;
}

/** The organization's share of the whole sale: the base less the platform fee. */
export function saleShareCents(row: PayoutRuleRow): number {
  return saleBaseCents(row) - platformFeeCents(row);
}

export function saleShareCentsSql(columns: PayoutRuleColumns): SQL<number> {
  return sql<number>`(${saleBaseCentsSql(columns)} - ${platformFeeCentsSql(columns)})`;
}

/** What the sale owes the organization now (see the rules above). */
export function payoutDueCents(row: PayoutRuleRow): number {
  if (row.status !== 'completed' || row.disputeStatus === 'lost') return 0;
  if (row.amountTotalCents <= 0) return 0;
  const left = Math.max(row.amountTotalCents - row.refundedCents, 0);
  return divideRoundingHalfUp(
    BigInt(saleShareCents(row)) * BigInt(left),
    BigInt(row.amountTotalCents),
  );
}

export function payoutDueCentsSql(columns: PayoutRuleColumns): SQL<number> {
  const left = sql`greatest(${columns.amountTotalCents} - ${columns.refundedCents}, 0)`;
  return sql<number>`(CASE WHEN ${columns.status} <> 'completed' OR ${columns.disputeStatus} IS NOT DISTINCT FROM 'lost' OR ${columns.amountTotalCents} <= 0 THEN 0
    ELSE ${divideRoundingHalfUpSql(sql`${saleShareCentsSql(columns)}::bigint * ${left}`, sql`${columns.amountTotalCents}`)} END)`;
}

/**
 * True while the sale must not be transferred yet: a chargeback is open (its funds are withdrawn
 * and it may be lost). An inquiry withdraws nothing and holds nothing (`dispute_status` counts
 * chargebacks only).
 */
export function isPayoutHeld(row: Pick<PayoutRuleRow, 'disputeStatus'>): boolean {
  return row.disputeStatus === 'open';
}

export function isPayoutHeldSql(columns: Pick<PayoutRuleColumns, 'disputeStatus'>): SQL<boolean> {
  return sql<boolean>`(${columns.disputeStatus} IS NOT DISTINCT FROM 'open')`;
}

/** The payout rule columns of the `content_purchases` row named `alias` in a hand-written statement. */
export function payoutRuleColumnsOf(alias: string): PayoutRuleColumns {
  const column = (name: string) => sql`${sql.identifier(alias)}.${sql.identifier(name)}`;
  return {
    status: column('status'),
    disputeStatus: column('dispute_status'),
    amountTotalCents: column('amount_total_cents'),
    amountTaxCents: column('amount_tax_cents'),
    refundedCents: succeededRefundsSql(column('id')),
    platformFeeBasisPoints: column('platform_fee_basis_points'),
    platformFeeFixedCents: column('platform_fee_fixed_cents'),
  };
}

/** Σ of the purchase's refunds that succeeded, as one scalar subquery (by `stripe_refunds`' index). */
export function succeededRefundsSql(purchaseId: Column): SQL<number> {
  return sql<number>`(SELECT coalesce(sum(r.amount_cents), 0)::int FROM stripe_refunds r
    WHERE r.purchase_id = ${purchaseId} AND r.status = 'succeeded')`;
}

/**
 * True for a purchase that is a sale the payout rules apply to: paid (a charged total above 0),
 * with recorded terms. Free purchases and sales from before payouts existed are not.
 */
export function isPayoutSaleSql(columns: PayoutRuleColumns): SQL<boolean> {
  return sql<boolean>`(${columns.amountTotalCents} > 0 AND ${columns.platformFeeBasisPoints} IS NOT NULL)`;
}
