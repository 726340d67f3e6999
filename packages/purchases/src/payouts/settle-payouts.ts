import {
  isPayoutHeldSql,
  isPayoutSaleSql,
  payoutDueCentsSql,
  payoutRuleColumnsOf,
  queryRows,
  sql,
} from '@codex/database';
import type Stripe from 'stripe';
import type { FulfillmentContext } from '../fulfillment/context';
import type { RunBudget, StopReason } from '../fulfillment/run-budget';
import { findOrganizationOfAccount, syncAccount } from './connected-accounts';
import { type SaleSettlement, settleSalePayout } from './settle-sale-payout';

/** The most Stripe calls one sale's settling makes (read the charge, look up, send). */
export const STRIPE_CALLS_PER_SALE = 3;

/**
 * Sales that need a Stripe step now: transfers first (what they pay in may cover a reversal that
 * was refused), then least recently touched first (so sales that keep failing, an uncovered
 * reversal, rotate to the back): no payout row or charge yet; owed, transferable and
 * not transferred; or more moved than owed. Leased sales are skipped (a worker is on them).
 */
async function findSalesToSettle(
  ctx: FulfillmentContext,
  limit: number,
  organizationId?: string,
): Promise<string[]> {
  const p = payoutRuleColumnsOf('p');
  const due = payoutDueCentsSql(p);
  const rows = await queryRows<{ id: string }>(
    ctx.hot,
    sql`
    SELECT p.id FROM content_purchases p
    LEFT JOIN sale_payouts s ON s.purchase_id = p.id
    LEFT JOIN payout_accounts a ON a.organization_id = p.organization_id
    WHERE p.status = 'completed' AND ${isPayoutSaleSql(p)}
      ${organizationId ? sql`AND p.organization_id = ${organizationId}::uuid` : sql``}
      AND (s.leased_until IS NULL OR s.leased_until <= ${ctx.clock().toISOString()}::timestamptz)
      AND (s.purchase_id IS NULL OR s.stripe_charge_id IS NULL
        OR (s.transfer_id IS NULL AND ${due} > 0 AND NOT ${isPayoutHeldSql(p)}
            AND coalesce(a.transfers_active, false))
        OR (s.transfer_id IS NOT NULL AND s.transferred_cents - s.reversed_cents > ${due}))
    ORDER BY (s.transfer_id IS NOT NULL), coalesce(s.updated_at, p.created_at), p.id
    LIMIT ${limit}`,
  );
  return rows.map((row) => String(row.id));
}

/** What a batch of sales' settling did: how many ended in each settlement. */
export type SettlementCounts = Partial<Record<SaleSettlement, number>>;

/**
 * Settles up to `limit` of the organization's sales that need a step (after its account became
 * able to receive transfers). The rest wait for the next trigger or the cron.
 */
export async function settleOrganizationSales(
  ctx: FulfillmentContext,
  stripe: Stripe,
  organizationId: string,
  limit: number,
): Promise<{ counts: SettlementCounts; more: boolean }> {
  const ids = await findSalesToSettle(ctx, limit + 1, organizationId);
  const counts: SettlementCounts = {};
  for (const id of ids.slice(0, limit)) {
    const settled = await settleSalePayout(ctx, stripe, id);
    counts[settled] = (counts[settled] ?? 0) + 1;
  }
  return { counts, more: ids.length > limit };
}

/** What a payouts reconciliation did. */
export interface PayoutReconciliationSummary {
  accountsSynced: number;
  sales: SettlementCounts;
  errors: number;
  stoppedBy: StopReason;
}

// Accounts still onboarding re-read per run: enough for a lost `account.updated` to cost at most
// a few runs, few enough to leave the budget to the sales.
const ACCOUNTS_PER_RUN = 5;

/**
 * The payouts' part of the reconciliation cron, within `budget`: re-reads the connected accounts
 * that cannot receive transfers yet (least recently read first: a lost `account.updated` is found
 * here), then settles the sales that need a step. Every step is the same as the webhooks', so the
 * cron and the webhooks can run at once.
 */
export async function reconcilePayouts(
  ctx: FulfillmentContext,
  stripe: Stripe,
  budget: RunBudget,
): Promise<PayoutReconciliationSummary> {
  const summary: PayoutReconciliationSummary = {
    accountsSynced: 0,
    sales: {},
    errors: 0,
    stoppedBy: 'done',
  };
  const accounts = await queryRows<{ organization_id: string; stripe_account_id: string }>(
    ctx.hot,
    sql`SELECT organization_id, stripe_account_id FROM payout_accounts
        WHERE NOT transfers_active ORDER BY synced_at LIMIT ${ACCOUNTS_PER_RUN}`,
  );
  for (const account of accounts) {
    const refusal = budget.refusal(1);
    if (refusal) {
      summary.stoppedBy = refusal;
      return summary;
    }
    try {
      await syncAccount(
        ctx.hot,
        stripe,
        String(account.organization_id),
        String(account.stripe_account_id),
        ctx.clock(),
      );
      budget.succeeded();
      summary.accountsSynced++;
    } catch (error) {
      budget.failed();
      summary.errors++;
      ctx.logger.trackError(error, { operation: 'sync connected account' });
    }
  }
  const room = Math.max(Math.floor(budget.remaining / STRIPE_CALLS_PER_SALE), 0);
  for (const id of await findSalesToSettle(ctx, Math.min(room, 50))) {
    const refusal = budget.refusal(STRIPE_CALLS_PER_SALE);
    if (refusal) {
      summary.stoppedBy = refusal;
      return summary;
    }
    const settled = await settleSalePayout(ctx, stripe, id);
    if (settled === 'stripe_failed') {
      budget.failed();
      summary.errors++;
    } else {
      budget.succeeded();
    }
    summary.sales[settled] = (summary.sales[settled] ?? 0) + 1;
  }
  return summary;
}

/** What handling one Connect event did. */
export type ConnectEventOutcome =
  | { status: 'ignored'; reason: 'unhandled_type' | 'unknown_account' | 'not_an_event' }
  | {
      status: 'synced';
      organizationId: string;
      transfersActive: boolean;
      settled: SettlementCounts;
      /** More sales wait: the cron settles them. */
      more: boolean;
    };

// Sales settled inside one Connect webhook (≤ 3 Stripe calls each); the cron takes the rest.
const SALES_PER_CONNECT_EVENT = 5;

const ACCOUNT_EVENT_TYPES = new Set(['account.updated', 'capability.updated']);

/**
 * A Connect event (verified by the worker): `account.updated` and `capability.updated` re-read the
 * account from Stripe (the snapshot's order cannot matter: what is stored is what Stripe says
 * now) and, when it can receive transfers, settle up to five of its organization's waiting sales.
 * Any number of deliveries in any order end the same. Other types and accounts that are not ours
 * are ignored. Stripe failures throw (the webhook answers 500 and Stripe delivers it again).
 */
export async function handleConnectEvent(
  ctx: FulfillmentContext,
  stripe: Stripe,
  event: unknown,
): Promise<ConnectEventOutcome> {
  if (typeof event !== 'object' || event === null)
    return { status: 'ignored', reason: 'not_an_event' };
  const { type, account } = event as { type?: unknown; account?: unknown };
  if (typeof type !== 'string' || typeof account !== 'string') {
    return { status: 'ignored', reason: 'not_an_event' };
  }
  if (!ACCOUNT_EVENT_TYPES.has(type)) return { status: 'ignored', reason: 'unhandled_type' };
  const organizationId = await findOrganizationOfAccount(ctx.hot, account);
  if (!organizationId) return { status: 'ignored', reason: 'unknown_account' };
  const stored = await syncAccount(ctx.hot, stripe, organizationId, account, ctx.clock());
  if (!stored.transfersActive) {
    return { status: 'synced', organizationId, transfersActive: false, settled: {}, more: false };
  }
  const { counts, more } = await settleOrganizationSales(
    ctx,
    stripe,
    organizationId,
    SALES_PER_CONNECT_EVENT,
  );
  return { status: 'synced', organizationId, transfersActive: true, settled: counts, more };
}
