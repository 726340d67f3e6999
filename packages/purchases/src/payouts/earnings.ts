import {
  contentPurchases,
  type DisputeStatus,
  isPayoutHeld,
  isPayoutSaleSql,
  type PayoutRuleRow,
  type PurchaseStatus,
  payoutDueCents,
  payoutDueCentsSql,
  platformFeeCents,
  platformFeeCentsSql,
  type Queryable,
  type SQL,
  saleShareCents,
  saleShareCentsSql,
  sql,
  succeededRefundsSql,
  toDate,
} from '@codex/database';
import { keysetPage, type Page, toPage } from '../buyer/page-cursor';
import type { PageOptions } from '../buyer/page-options';
import { queryAsStaff, type StaffCaller } from '../staff/query-as-staff';

/** Where a sale's payout stands, as the earnings ledger shows it. */
export type EarningsStatus =
  /** Owed, waiting for the organization's account to be able to receive transfers. */
  | 'awaiting_account'
  /** Owed and transferable: the next trigger or cron run transfers it. */
  | 'transfer_due'
  /** A chargeback is open: held until it is decided. */
  | 'held_dispute'
  /** Transferred, nothing taken back. */
  | 'transferred'
  /** Transferred, part taken back (refunds). */
  | 'partially_reversed'
  /** Transferred and all taken back. */
  | 'reversed'
  /** More has moved than is owed: the next trigger or cron run reverses the difference. */
  | 'reversal_due'
  /** A reversal the organization's balance could not cover: in the review queue, retried. */
  | 'reversal_uncovered'
  /** Less has moved than is owed after the transfer (a refund that succeeded failed later). */
  | 'underpaid'
  /** Nothing owed and nothing moved: refunded in full or lost before any transfer. */
  | 'not_owed';

/** One sale in the ledger. Amounts in the currency's smallest unit. */
export interface EarningsLine {
  purchaseId: string;
  contentId: string;
  /** When the checkout started (the ledger's order, newest first). */
  createdAt: Date;
  purchasedAt: Date | null;
  currency: string;
  /** What the buyer paid, tax included. */
  chargedCents: number;
  taxCents: number;
  /** Refunds that succeeded. */
  refundedCents: number;
  /** Stripe's processing fee (borne by the platform); null until read from Stripe. */
  stripeFeeCents: number | null;
  platformFeeCents: number;
  /** The organization's share of the whole sale. */
  shareCents: number;
  /** What the sale owes the organization now. */
  dueCents: number;
  transferredCents: number;
  reversedCents: number;
  transferId: string | null;
  disputeStatus: DisputeStatus | null;
  status: EarningsStatus;
}

interface LedgerRow extends Record<string, unknown> {
  id: string;
  cursor_at: string;
}

/** The organization's sales that payouts apply to, with their payout, in the ledger's order. */
function ledgerStatement(organizationId: string, options: PageOptions, maxLimit?: number): SQL {
  const page = keysetPage(
    'earnings',
    options,
    { at: contentPurchases.createdAt, id: contentPurchases.id },
    maxLimit,
  );
  const p = contentPurchases;
  return sql`
    SELECT ${p.id} AS id, ${p.contentId} AS content_id, ${p.createdAt} AS created_at,
           to_char(${p.createdAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at,
           ${p.purchasedAt} AS purchased_at, ${p.status} AS status, ${p.disputeStatus} AS dispute_status,
           ${p.currency} AS currency, ${p.amountTotalCents} AS amount_total_cents,
           ${p.amountTaxCents} AS amount_tax_cents, ${succeededRefundsSql(p.id)} AS refunded_cents,
           ${p.platformFeeBasisPoints} AS platform_fee_basis_points,
           ${p.platformFeeFixedCents} AS platform_fee_fixed_cents,
           s.stripe_fee_cents, s.transfer_id, coalesce(s.transferred_cents, 0) AS transferred_cents,
           coalesce(s.reversed_cents, 0) AS reversed_cents, coalesce(s.uncovered_cents, 0) AS uncovered_cents,
           coalesce(a.transfers_active, false) AS transfers_active
    FROM ${p}
    LEFT JOIN sale_payouts s ON s.purchase_id = ${p.id}
    LEFT JOIN payout_accounts a ON a.organization_id = ${p.organizationId}
    WHERE ${p.organizationId} = ${organizationId}::uuid AND ${p.status} = 'completed'
      AND ${isPayoutSaleSql(payoutSaleColumns())}
      ${page.after ? sql`AND ${page.after}` : sql``}
    ORDER BY ${page.orderBy[0]}, ${page.orderBy[1]}
    LIMIT ${page.fetchLimit}`;
}

function payoutSaleColumns() {
  const p = contentPurchases;
  return {
    status: p.status,
    disputeStatus: p.disputeStatus,
    amountTotalCents: p.amountTotalCents,
    amountTaxCents: p.amountTaxCents,
    refundedCents: succeededRefundsSql(p.id),
    platformFeeBasisPoints: p.platformFeeBasisPoints,
    platformFeeFixedCents: p.platformFeeFixedCents,
  };
}

/** A ledger line from its row: the money from the payout rules, the status from what moved. */
export function toEarningsLine(row: Record<string, unknown>): EarningsLine {
  const count = (value: unknown) => Number(value ?? 0);
  const rule: PayoutRuleRow = {
    status: row.status as PurchaseStatus,
    disputeStatus: (row.dispute_status ?? null) as DisputeStatus | null,
    amountTotalCents: count(row.amount_total_cents),
    amountTaxCents: row.amount_tax_cents === null ? null : count(row.amount_tax_cents),
    refundedCents: count(row.refunded_cents),
    platformFeeBasisPoints: count(row.platform_fee_basis_points),
    platformFeeFixedCents: count(row.platform_fee_fixed_cents),
  };
  const transferId =
    row.transfer_id === null || row.transfer_id === undefined ? null : String(row.transfer_id);
  const transferred = count(row.transferred_cents);
  const reversed = count(row.reversed_cents);
  const due = payoutDueCents(rule);
  const facts = {
    transferId,
    moved: transferred - reversed,
    transferred,
    reversed,
    due,
    uncovered: count(row.uncovered_cents),
    held: isPayoutHeld(rule),
    transfersActive: row.transfers_active === true || row.transfers_active === 't',
  };
  return {
    purchaseId: String(row.id),
    contentId: String(row.content_id),
    createdAt: toDate(row.created_at),
    purchasedAt: row.purchased_at === null ? null : toDate(row.purchased_at),
    currency: String(row.currency),
    chargedCents: rule.amountTotalCents,
    taxCents: rule.amountTaxCents ?? 0,
    refundedCents: rule.refundedCents,
    stripeFeeCents:
      row.stripe_fee_cents === null || row.stripe_fee_cents === undefined
        ? null
        : count(row.stripe_fee_cents),
    platformFeeCents: platformFeeCents(rule),
    shareCents: saleShareCents(rule),
    dueCents: due,
    transferredCents: transferred,
    reversedCents: reversed,
    transferId,
    disputeStatus: rule.disputeStatus,
    status: earningsStatus(facts),
  };
}

function earningsStatus(facts: {
  transferId: string | null;
  moved: number;
  transferred: number;
  reversed: number;
  due: number;
  uncovered: number;
  held: boolean;
  transfersActive: boolean;
}): EarningsStatus {
  if (facts.transferId === null) {
    if (facts.due <= 0) return 'not_owed';
    if (facts.held) return 'held_dispute';
    return facts.transfersActive ? 'transfer_due' : 'awaiting_account';
  }
  if (facts.moved > facts.due) return facts.uncovered > 0 ? 'reversal_uncovered' : 'reversal_due';
  if (facts.moved < facts.due) return 'underpaid';
  if (facts.reversed === 0) return 'transferred';
  return facts.moved === 0 ? 'reversed' : 'partially_reversed';
}

/**
 * One page of the organization's earnings ledger, newest first, for a caller whose role may
 * `read_earnings` (read by the same statement). One statement. Throws `PurchaseError`
 * `INVALID_CURSOR`, `NOT_FOUND`, `FORBIDDEN`.
 */
export async function listEarnings(
  db: Queryable,
  caller: StaffCaller,
  options: PageOptions = {},
  maxLimit?: number,
): Promise<Page<EarningsLine>> {
  const statement = ledgerStatement(caller.organizationId, options, maxLimit);
  const { rows } = await queryAsStaff<LedgerRow>(db, caller, 'read_earnings', statement);
  return toPage('earnings', rows, options, toEarningsLine, maxLimit);
}

/** One currency's earnings totals (every sale payouts apply to). */
export interface EarningsTotals {
  currency: string;
  sales: number;
  chargedCents: number;
  taxCents: number;
  refundedCents: number;
  /** Σ of the fees read so far (`feesKnown` of `sales`). */
  stripeFeeCents: number;
  feesKnown: number;
  platformFeeCents: number;
  shareCents: number;
  dueCents: number;
  transferredCents: number;
  reversedCents: number;
  /** Σ due − (transferred − reversed) over sales owed more than has moved: still to be paid. */
  owedCents: number;
  /** Σ (transferred − reversed) − due over sales that moved more than they owe: to take back. */
  toReverseCents: number;
}

/**
 * The organization's earnings per currency, in one statement from the same rules as the ledger
 * (Σ of its lines), for a caller whose role may `read_earnings`. Throws as {@link listEarnings}.
 */
export async function summarizeEarnings(
  db: Queryable,
  caller: StaffCaller,
): Promise<EarningsTotals[]> {
  const p = contentPurchases;
  const columns = payoutSaleColumns();
  const due = payoutDueCentsSql(columns);
  const moved = sql`(coalesce(s.transferred_cents, 0) - coalesce(s.reversed_cents, 0))`;
  const statement = sql`
    SELECT ${p.currency} AS currency, count(*) AS sales,
      sum(${p.amountTotalCents}) AS charged_cents, sum(coalesce(${p.amountTaxCents}, 0)) AS tax_cents,
      sum(${columns.refundedCents}) AS refunded_cents,
      coalesce(sum(s.stripe_fee_cents), 0) AS stripe_fee_cents, count(s.stripe_fee_cents) AS fees_known,
      sum(${platformFeeCentsSql(columns)}) AS platform_fee_cents, sum(${saleShareCentsSql(columns)}) AS share_cents,
      sum(${due}) AS due_cents, coalesce(sum(s.transferred_cents), 0) AS transferred_cents,
      coalesce(sum(s.reversed_cents), 0) AS reversed_cents,
      sum(greatest(${due} - ${moved}, 0)) AS owed_cents,
      sum(greatest(${moved} - ${due}, 0)) AS to_reverse_cents
    FROM ${p}
    LEFT JOIN sale_payouts s ON s.purchase_id = ${p.id}
    WHERE ${p.organizationId} = ${caller.organizationId}::uuid AND ${p.status} = 'completed'
      AND ${isPayoutSaleSql(columns)}
    GROUP BY ${p.currency}
    ORDER BY ${p.currency}`;
  const { rows } = await queryAsStaff(db, caller, 'read_earnings', statement);
  return rows.map((row) => ({
    currency: String(row.currency),
    sales: Number(row.sales),
    chargedCents: Number(row.charged_cents),
    taxCents: Number(row.tax_cents),
    refundedCents: Number(row.refunded_cents),
    stripeFeeCents: Number(row.stripe_fee_cents),
    feesKnown: Number(row.fees_known),
    platformFeeCents: Number(row.platform_fee_cents),
    shareCents: Number(row.share_cents),
    dueCents: Number(row.due_cents),
    transferredCents: Number(row.transferred_cents),
    reversedCents: Number(row.reversed_cents),
    owedCents: Number(row.owed_cents),
    toReverseCents: Number(row.to_reverse_cents),
  }));
}
