import { type PayoutAccount, type Queryable, queryRows, sql, toDate } from '@codex/database';
import type Stripe from 'stripe';

/**
 * How the platform creates an organization's connected account (decision 026): controller
 * properties, not the legacy `type`. The platform pays Stripe's fees and bears the account's
 * losses (it is the merchant of record: separate charges and transfers), Stripe collects the
 * requirements through its hosted onboarding, and creators get the Express Dashboard for their
 * payouts. Only `transfers` is requested: the account never takes payments itself.
 */
export function connectedAccountParams(organizationId: string): Stripe.AccountCreateParams {
  return {
    controller: {
      fees: { payer: 'application' },
      losses: { payments: 'application' },
      requirement_collection: 'stripe',
      stripe_dashboard: { type: 'express' },
    },
    capabilities: { transfers: { requested: true } },
    metadata: { organizationId },
  };
}

/** The account's state as `payout_accounts` keeps it, from a Stripe Account object. */
export interface AccountSnapshot {
  transfersActive: boolean;
  payoutsEnabled: boolean;
  detailsSubmitted: boolean;
  requirementsDue: string[];
  disabledReason: string | null;
}

export function snapshotOf(account: Stripe.Account): AccountSnapshot {
  const requirements = account.requirements;
  const due = new Set([...(requirements?.currently_due ?? []), ...(requirements?.past_due ?? [])]);
  return {
    transfersActive: account.capabilities?.transfers === 'active',
    payoutsEnabled: account.payouts_enabled === true,
    detailsSubmitted: account.details_submitted === true,
    requirementsDue: [...due].sort(),
    disabledReason: requirements?.disabled_reason ?? null,
  };
}

/**
 * Stores the organization's account as Stripe answered it (re-read, never a webhook's snapshot).
 * The first account stored for an organization stays its account (`ON CONFLICT`): answers the row
 * as stored.
 */
export async function storeAccount(
  db: Queryable,
  organizationId: string,
  account: Stripe.Account,
  now: Date,
): Promise<PayoutAccount> {
  const state = snapshotOf(account);
  const rows = await queryRows(
    db,
    sql`
    INSERT INTO payout_accounts AS a (organization_id, stripe_account_id, transfers_active,
      payouts_enabled, details_submitted, requirements_due, disabled_reason, synced_at)
    VALUES (${organizationId}::uuid, ${account.id}, ${state.transfersActive}, ${state.payoutsEnabled},
      ${state.detailsSubmitted}, ${JSON.stringify(state.requirementsDue)}::jsonb,
      ${state.disabledReason}, ${now.toISOString()}::timestamptz)
    ON CONFLICT (organization_id) DO UPDATE SET
      transfers_active = EXCLUDED.transfers_active, payouts_enabled = EXCLUDED.payouts_enabled,
      details_submitted = EXCLUDED.details_submitted, requirements_due = EXCLUDED.requirements_due,
      disabled_reason = EXCLUDED.disabled_reason, synced_at = EXCLUDED.synced_at, updated_at = now()
      WHERE a.stripe_account_id = EXCLUDED.stripe_account_id
    RETURNING *`,
  );
  const row = rows[0];
  if (row) return toPayoutAccount(row);
  const existing = await findAccount(db, organizationId);
  if (!existing) throw new Error('payout account neither stored nor found');
  return existing;
}

export async function findAccount(
  db: Queryable,
  organizationId: string,
): Promise<PayoutAccount | undefined> {
  const rows = await queryRows(
    db,
    sql`SELECT * FROM payout_accounts WHERE organization_id = ${organizationId}::uuid`,
  );
  return rows[0] ? toPayoutAccount(rows[0]) : undefined;
}

/** The organization whose connected account this is, if it is one of ours. */
export async function findOrganizationOfAccount(
  db: Queryable,
  stripeAccountId: string,
): Promise<string | undefined> {
  const rows = await queryRows<{ organization_id: string }>(
    db,
    sql`SELECT organization_id FROM payout_accounts WHERE stripe_account_id = ${stripeAccountId}`,
  );
  return rows[0] ? String(rows[0].organization_id) : undefined;
}

/** Re-reads the account from Stripe and stores it. */
export async function syncAccount(
  db: Queryable,
  stripe: Stripe,
  organizationId: string,
  stripeAccountId: string,
  now: Date,
): Promise<PayoutAccount> {
  const account = await stripe.accounts.retrieve(stripeAccountId);
  return storeAccount(db, organizationId, account, now);
}

export function toPayoutAccount(row: Record<string, unknown>): PayoutAccount {
  const due = row.requirements_due;
  const parsed: unknown = typeof due === 'string' ? JSON.parse(due) : due;
  return {
    organizationId: String(row.organization_id),
    stripeAccountId: String(row.stripe_account_id),
    transfersActive: row.transfers_active === true || row.transfers_active === 't',
    payoutsEnabled: row.payouts_enabled === true || row.payouts_enabled === 't',
    detailsSubmitted: row.details_submitted === true || row.details_submitted === 't',
    requirementsDue: Array.isArray(parsed) ? parsed.map(String) : [],
    disabledReason: row.disabled_reason === null ? null : String(row.disabled_reason),
    syncedAt: toDate(row.synced_at),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}
