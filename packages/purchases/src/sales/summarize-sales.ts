import {
  amountChargedSql,
  and,
  contentPurchases,
  type Queryable,
  type SQL,
  sql,
} from '@codex/database';
import { queryAsStaff, type StaffCaller } from '../staff/query-as-staff';
import { salesConditions } from './sales-filters';

/** One currency's sales measures, over the whole range or one UTC day. Amounts in minor units. */
export interface SalesTotals {
  /** Lower-case ISO 4217. */
  currency: string;
  /** Completed sales. */
  count: number;
  /** Σ amount charged (`amountChargedSql(contentPurchases)`: the session's total when recorded, else the price paid). */
  grossCents: number;
  /** Σ `amount_refunded_cents` (pending and succeeded refunds). */
  refundedCents: number;
  /** Σ amount charged of the sales whose dispute is open or lost (at risk or gone to the bank). */
  disputedCents: number;
  /**
   * Σ what the organization keeps: nothing of a lost dispute, else amount − refunded. Equals
   * gross − refunded − (Σ amount − refunded over lost disputes), so a sale refunded in part and
   * then lost in a dispute is never taken off twice. An open dispute is not deducted until lost.
   */
  netCents: number;
}

/** {@link SalesTotals} of one UTC day (`YYYY-MM-DD`, the day the checkout started). */
export interface DailySalesTotals extends SalesTotals {
  day: string;
}

/** The answer of {@link summarizeSales}: per currency, over the range and per day. */
export interface SalesSummary {
  /** One entry per currency with completed sales, by currency. */
  currencies: SalesTotals[];
  /** One entry per (UTC day, currency) with completed sales, by day then currency. */
  byDay: DailySalesTotals[];
}

/** The created-at range of a summary: `from` inclusive, `to` exclusive, both optional. */
export interface SalesSummaryRange {
  from?: Date | undefined;
  to?: Date | undefined;
}

interface SummaryRow extends Record<string, unknown> {
  currency: string;
  day: string | null;
  count: number | string;
  gross_cents: number | string;
  refunded_cents: number | string;
  disputed_cents: number | string;
  net_cents: number | string;
}

/**
 * The statement of {@link summarizeSales}: the organization's completed sales in the range,
 * aggregated by `GROUPING SETS ((currency), (currency, day))`, so the totals and the days come from
 * one scan of the sales index's range in one statement (`day` is null on a currency's total row).
 */
export function summarizeSalesStatement(
  organizationId: string,
  range: SalesSummaryRange = {},
): SQL {
  const columns = contentPurchases;
  const amount = amountChargedSql(contentPurchases);
  const day = sql`(${columns.createdAt} AT TIME ZONE 'UTC')::date`;
  return sql`
    SELECT ${columns.currency} AS currency,
      CASE WHEN GROUPING(${day}) = 0 THEN to_char(${day}, 'YYYY-MM-DD') END AS day,
      count(*) AS count,
      coalesce(sum(${amount}), 0) AS gross_cents,
      coalesce(sum(${columns.amountRefundedCents}), 0) AS refunded_cents,
      coalesce(sum(${amount}) FILTER (WHERE ${columns.disputeStatus} IN ('open', 'lost')), 0)
        AS disputed_cents,
      coalesce(sum(CASE WHEN ${columns.disputeStatus} = 'lost' THEN 0
        ELSE ${amount} - ${columns.amountRefundedCents} END), 0) AS net_cents
    FROM ${columns}
    WHERE ${and(salesConditions(organizationId, range), sql`${columns.status} = 'completed'`)}
    GROUP BY GROUPING SETS ((${columns.currency}), (${columns.currency}, ${day}))
    ORDER BY day NULLS FIRST, currency`;
}

function toTotals(row: SummaryRow): SalesTotals {
  return {
    currency: String(row.currency),
    count: Number(row.count),
    grossCents: Number(row.gross_cents),
    refundedCents: Number(row.refunded_cents),
    disputedCents: Number(row.disputed_cents),
    netCents: Number(row.net_cents),
  };
}

/**
 * The organization's completed sales in the created-at range, per currency and per (UTC day,
 * currency): count, gross, refunded, disputed and net (see {@link SalesTotals} for the
 * definitions), for a caller whose role may `read_sales` (read by the same statement). One
 * statement, one round trip. Throws `PurchaseError` `NOT_FOUND` / `FORBIDDEN` as `queryAsStaff`.
 */
export async function summarizeSales(
  db: Queryable,
  caller: StaffCaller,
  range: SalesSummaryRange = {},
): Promise<SalesSummary> {
  const statement = summarizeSalesStatement(caller.organizationId, range);
  const { rows } = await queryAsStaff<SummaryRow>(db, caller, 'read_sales', statement);
  const summary: SalesSummary = { currencies: [], byDay: [] };
  for (const row of rows) {
    if (row.day === null) summary.currencies.push(toTotals(row));
    else summary.byDay.push({ day: String(row.day), ...toTotals(row) });
  }
  return summary;
}
