import { type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import type { DisputeStatus, PurchaseStatus } from './schema/purchases';

/*
 * The purchase rules, each written twice and side by side: in SQL (`…Sql`), for the statements
 * and the partial indexes that must evaluate it in Postgres, and in TypeScript (same name without
 * the suffix), for code that already holds a row. Change a rule here and nowhere else;
 * `purchase-rules.test.ts` evaluates both halves of every rule in Postgres on every combination of
 * the columns it reads and fails when they disagree. The SQL halves take the columns as arguments
 * (`contentPurchases`, or {@link purchaseRuleColumnsOf} an alias) because the table's own indexes
 * are built from them.
 */

/** A column as the SQL halves take it: a Drizzle column, or a column of an alias. */
type Column = SQLWrapper;

/** The `content_purchases` columns the rules read, as Drizzle columns. */
export interface PurchaseRuleColumns {
  status: Column;
  refundedAt: Column;
  refundKeepsAccess: Column;
  disputeStatus: Column;
}

/**
 * The rule columns of the `content_purchases` row named `alias` in a hand-written statement (a
 * CTE's `RETURNING`, a join), e.g. `holdsPurchaseSlotSql(purchaseRuleColumnsOf('completed'))`.
 */
export function purchaseRuleColumnsOf(alias: string): PurchaseRuleColumns {
  const column = (name: string) => sql`${sql.identifier(alias)}.${sql.identifier(name)}`;
  return {
    status: column('status'),
    refundedAt: column('refunded_at'),
    refundKeepsAccess: column('refund_keeps_access'),
    disputeStatus: column('dispute_status'),
  };
}

/** The same columns as values of one row. */
export interface PurchaseRuleRow {
  status: PurchaseStatus;
  refundedAt: Date | null;
  refundKeepsAccess: boolean;
  disputeStatus: DisputeStatus | null;
}

// ---------------------------------------------------------------------------------------------
// What was charged: the amount refunds are measured against and lists show.

/**
 * What the buyer was charged for a purchase: the completed session's total (`amount_total_cents`:
 * price − discount + exclusive tax) once the completion recorded it, else the catalogue price
 * (older purchases, and purchases not completed). The one amount the buyer's history, the sales
 * list and summary, and refunds are measured by.
 */
export function amountChargedSql(columns: {
  amountTotalCents: Column;
  pricePaidCents: Column;
}): SQL<number> {
  return sql<number>`coalesce(${columns.amountTotalCents}, ${columns.pricePaidCents})`;
}

/** {@link amountChargedSql} of a row. */
export function amountCharged(row: {
  amountTotalCents: number | null;
  pricePaidCents: number;
}): number {
  return row.amountTotalCents ?? row.pricePaidCents;
}

// ---------------------------------------------------------------------------------------------
// The refund policy: when refunds of a purchase reach it, `refunded_at` is set.

/**
 * Access is revoked once the refunds of a purchase reach this fraction of what was charged. 1
 * means only a full refund (or partial refunds adding up to it) revokes; a partial refund is
 * recorded and keeps access. (Comparable systems revoke on any refund, which punishes a goodwill
 * partial refund; we do not.)
 */
export const REFUND_FRACTION_THAT_REVOKES_ACCESS = 1;

/** True when refunds of `refundedCents` on a purchase charged `chargedCents` reach the refund policy. */
export function isAccessRevokingRefundSql(refundedCents: Column, chargedCents: number) {
  return sql`(${refundedCents} > 0 AND ${refundedCents} >= ceil(${chargedCents}::int * ${REFUND_FRACTION_THAT_REVOKES_ACCESS}::numeric))`;
}

/** {@link isAccessRevokingRefundSql} in TypeScript. */
export function isAccessRevokingRefund(refundedCents: number, chargedCents: number): boolean {
  return (
    refundedCents > 0 &&
    refundedCents >= Math.ceil(chargedCents * REFUND_FRACTION_THAT_REVOKES_ACCESS)
  );
}

// ---------------------------------------------------------------------------------------------
// Whether a price can be charged at all.

/**
 * Stripe's minimum charge per currency, in the currency's smallest unit (cents; whole yen): a
 * payment below it is refused (`amount_too_small`), so content priced below it can never be paid.
 * From https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts. For a currency not
 * listed Stripe converts to the account's settlement currency; it decides, and its refusal is
 * answered the same way.
 */
export const MINIMUM_CHARGE_CENTS: Readonly<Record<string, number>> = {
  usd: 50,
  aed: 200,
  aud: 50,
  bgn: 100,
  brl: 50,
  cad: 50,
  chf: 50,
  czk: 1500,
  dkk: 250,
  eur: 50,
  gbp: 30,
  hkd: 400,
  huf: 17500,
  inr: 50,
  jpy: 50,
  mxn: 1000,
  myr: 200,
  nok: 300,
  nzd: 50,
  pln: 200,
  ron: 200,
  sek: 300,
  sgd: 50,
  thb: 1000,
};

/**
 * Three-decimal currencies: Stripe takes amounts in thousandths but only multiples of 10
 * (https://docs.stripe.com/currencies#three-decimal).
 */
export const THREE_DECIMAL_CURRENCIES: readonly string[] = ['bhd', 'jod', 'kwd', 'omr', 'tnd'];

/**
 * True for a price a buyer can be charged: free (0, no payment at all), or at least Stripe's
 * minimum charge for its currency and, in a three-decimal currency, a multiple of 10.
 */
export function isChargeablePriceSql(priceCents: Column, currency: Column): SQL<boolean> {
  const minimums = Object.entries(MINIMUM_CHARGE_CENTS).map(([code, cents]) =>
    // Constants of this module, not input: inlined so a CHECK or an index may use the rule.
    sql.raw(`WHEN '${code}' THEN ${cents}`),
  );
  const threeDecimal = sql.raw(THREE_DECIMAL_CURRENCIES.map((code) => `'${code}'`).join(', '));
  return sql<boolean>`(${priceCents} = 0 OR (${priceCents} >= (CASE ${currency} ${sql.join(minimums, sql` `)} ELSE 1 END)
    AND (${currency} NOT IN (${threeDecimal}) OR ${priceCents} % 10 = 0)))`;
}

/** {@link isChargeablePriceSql} in TypeScript. */
export function isChargeablePrice(priceCents: number, currency: string): boolean {
  if (priceCents === 0) return true;
  return (
    priceCents >= (MINIMUM_CHARGE_CENTS[currency] ?? 1) &&
    (!THREE_DECIMAL_CURRENCIES.includes(currency) || priceCents % 10 === 0)
  );
}

// ---------------------------------------------------------------------------------------------
// Whether a purchase's refunds end its access.

/**
 * True when a purchase's refunds end its access: refunded past the refund policy (`refunded_at`
 * set) and not kept by `refund_keeps_access`, derived from its refunds like `refunded_at`: of the
 * refunds that count, the most recently requested platform refund decides, and it was issued with
 * `revokeAccess: false` (decision 021; Dashboard refunds never decide).
 */
export const refundEndsAccessSql = (
  columns: Pick<PurchaseRuleColumns, 'refundedAt' | 'refundKeepsAccess'>,
) => sql`(${columns.refundedAt} IS NOT NULL AND NOT ${columns.refundKeepsAccess})`;

/** {@link refundEndsAccessSql} of a row. */
export function refundEndsAccess(row: Pick<PurchaseRuleRow, 'refundedAt' | 'refundKeepsAccess'>) {
  return row.refundedAt !== null && !row.refundKeepsAccess;
}

// ---------------------------------------------------------------------------------------------
// Which disputes decide access.

/**
 * Stripe's statuses of an inquiry: the card issuer asks about the payment before any chargeback.
 * "Unlike a formal dispute, no funds have been withdrawn and the payment it relates to can still be
 * refunded" (https://docs.stripe.com/disputes/how-disputes-work), and refunding is how an inquiry
 * is usually settled; it may still escalate to a chargeback (then its status is no longer one of
 * these).
 */
export const INQUIRY_STRIPE_STATUSES: readonly string[] = [
  'warning_needs_response',
  'warning_under_review',
  'warning_closed',
];

/**
 * True for a dispute whose Stripe status (`stripe_disputes.stripe_status`) is a chargeback's: only
 * these make a purchase's `dispute_status` (suspending access while open, ending it when lost,
 * refusing platform refunds). An inquiry keeps access and allows refunds.
 */
export function isChargebackSql(stripeStatus: Column): SQL<boolean> {
  const inquiries = sql.raw(INQUIRY_STRIPE_STATUSES.map((status) => `'${status}'`).join(', '));
  return sql<boolean>`(${stripeStatus} NOT IN (${inquiries}))`;
}

/** {@link isChargebackSql} in TypeScript. */
export function isChargeback(stripeStatus: string): boolean {
  return !INQUIRY_STRIPE_STATUSES.includes(stripeStatus);
}

// ---------------------------------------------------------------------------------------------
// The purchase slot: at most one purchase per (customer, content) holds it.

/**
 * True for a purchase that holds the customer's one slot for its content: pending, or completed
 * and neither refunded in a way that ends access nor lost in a dispute. A fully refunded purchase
 * or a lost chargeback gives the slot back, so the customer can buy again while the old row keeps
 * its history; one refunded with access kept still owns the item. The same predicate backs the
 * unique index `content_purchases_one_active_per_customer_content` and every query that looks for
 * "the active purchase"; {@link grantsAccessSql} implies it, so the index answers the access check
 * too.
 */
export const holdsPurchaseSlotSql = (columns: PurchaseRuleColumns) =>
  sql`${columns.status} IN ('pending', 'completed') AND NOT ${refundEndsAccessSql(columns)} AND (${columns.disputeStatus} IS NULL OR ${columns.disputeStatus} IN ('open', 'won'))`;

/** {@link holdsPurchaseSlotSql} of a row. */
export function holdsPurchaseSlot(row: PurchaseRuleRow): boolean {
  return (
    (row.status === 'pending' || row.status === 'completed') &&
    !refundEndsAccess(row) &&
    row.disputeStatus !== 'lost'
  );
}

// ---------------------------------------------------------------------------------------------
// THE access rule.

/**
 * THE access rule: a purchase lets its customer watch its content when it is completed, its
 * refunds have not ended access (none past the refund policy, or only refunds issued to keep
 * access) and it has no open or lost dispute (none, or won). Every query that answers "may this
 * customer watch this?" (the access check, the batch check, the library, `hasAccess` on lists)
 * uses this one predicate, and the library's partial index is built on it. It implies
 * {@link holdsPurchaseSlotSql}, so the slot's unique index answers a lookup by (customer, content).
 * Parenthesised, so it composes inside `and()` and `or()` alike.
 */
export const grantsAccessSql = (columns: PurchaseRuleColumns) =>
  sql`(${columns.status} = 'completed' AND NOT ${refundEndsAccessSql(columns)} AND (${columns.disputeStatus} IS NULL OR ${columns.disputeStatus} = 'won'))`;

/** {@link grantsAccessSql} of a row. */
export function grantsAccess(row: PurchaseRuleRow): boolean {
  return (
    row.status === 'completed' &&
    !refundEndsAccess(row) &&
    (row.disputeStatus === null || row.disputeStatus === 'won')
  );
}

// ---------------------------------------------------------------------------------------------
// The status a buyer (and the organization's sales list) sees.

/** A purchase's state as the buyer understands it (see {@link buyerStatusSql}). */
export const buyerPurchaseStatuses = [
  'pending',
  'completed',
  'refunded',
  'partially_refunded',
  'disputed',
  'failed',
] as const;
export type BuyerPurchaseStatus = (typeof buyerPurchaseStatuses)[number];

/**
 * The one mapping from a purchase row to the status a buyer sees (first match wins):
 *
 * | row | buyer status |
 * |---|---|
 * | `status = 'failed'` | `failed` |
 * | `status = 'pending'` (whatever money moved before completion) | `pending` |
 * | completed, dispute `open` or `lost` | `disputed` (also when refunded: the dispute decides access and is what the bank shows) |
 * | completed, `refunded_at` set (refunds reached the refund policy) | `refunded` |
 * | completed, `amount_refunded_cents > 0` (a refund below the policy: access kept) | `partially_refunded` |
 * | otherwise (a dispute `won` falls through to the refund state) | `completed` |
 *
 * `completed` and `partially_refunded` are exactly the rows that grant access, with one addition:
 * `refunded` with `refund_keeps_access` (refunded in full from the platform with `revokeAccess:
 * false`: the money went back, the buyer keeps the item). The rules test proves it against
 * {@link grantsAccessSql}.
 */
export function buyerStatusSql(
  columns: PurchaseRuleColumns & { amountRefundedCents: Column },
): SQL<BuyerPurchaseStatus> {
  return sql<BuyerPurchaseStatus>`CASE
    WHEN ${columns.status} = 'failed' THEN 'failed'
    WHEN ${columns.status} = 'pending' THEN 'pending'
    WHEN ${columns.disputeStatus} IN ('open', 'lost') THEN 'disputed'
    WHEN ${columns.refundedAt} IS NOT NULL THEN 'refunded'
    WHEN ${columns.amountRefundedCents} > 0 THEN 'partially_refunded'
    ELSE 'completed'
  END`;
}

/** {@link buyerStatusSql} of a row. */
export function buyerStatus(
  row: Omit<PurchaseRuleRow, 'refundKeepsAccess'> & { amountRefundedCents: number },
): BuyerPurchaseStatus {
  if (row.status === 'failed') return 'failed';
  if (row.status === 'pending') return 'pending';
  if (row.disputeStatus === 'open' || row.disputeStatus === 'lost') return 'disputed';
  if (row.refundedAt !== null) return 'refunded';
  if (row.amountRefundedCents > 0) return 'partially_refunded';
  return 'completed';
}

/** Reads a value {@link buyerStatusSql} produced; anything else is a bug and throws. */
export function toBuyerPurchaseStatus(value: unknown): BuyerPurchaseStatus {
  const status = buyerPurchaseStatuses.find((candidate) => candidate === value);
  if (!status) throw new Error(`buyerStatusSql produced an unknown status: ${String(value)}`);
  return status;
}
