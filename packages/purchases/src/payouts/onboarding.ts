import { type Queryable, queryRows, sql, toNullableDate } from '@codex/database';
import type Stripe from 'stripe';
import type { FulfillmentContext } from '../fulfillment/context';
import { PurchaseError, paymentProviderNotConfigured } from '../purchase-error';
import { queryAsStaff, type StaffCaller } from '../staff/query-as-staff';
import { connectedAccountParams, storeAccount } from './connected-accounts';

/** Where Stripe's hosted onboarding sends the owner back: done, or the link expired. */
export interface OnboardingUrls {
  returnUrl: string;
  refreshUrl: string;
}

/** A fresh, single-use link to Stripe's hosted onboarding of the organization's account. */
export interface OnboardingLink {
  url: string;
  expiresAt: Date;
  stripeAccountId: string;
}

const providerError = (error: unknown) =>
  new PurchaseError('PAYMENT_PROVIDER_ERROR', 'The payment provider is unavailable; try again', {
    cause: error,
  });

/**
 * Starts (or resumes) the organization's onboarding, for a caller whose role may
 * `manage_payouts` (its owner, or an operator): creates its connected account the first time
 * (idempotent: the key is the organization's, so a double click or a concurrent request gets the
 * same account, and the first stored stays the organization's), then answers a fresh Account Link
 * (single use, minutes long: ask again for a new one). Throws `PurchaseError` `NOT_FOUND`,
 * `FORBIDDEN` (the role is read first), then `PAYMENT_PROVIDER_NOT_CONFIGURED` (no Stripe key or
 * web app URL), `PAYMENT_PROVIDER_ERROR` (Stripe failed: ask again).
 */
export async function startOnboarding(
  ctx: FulfillmentContext,
  stripe: Stripe | undefined,
  caller: StaffCaller,
  urls: OnboardingUrls | undefined,
): Promise<OnboardingLink> {
  const organizationId = caller.organizationId;
  const { rows } = await queryAsStaff<{ stripe_account_id: string }>(
    ctx.hot,
    caller,
    'manage_payouts',
    sql`SELECT stripe_account_id FROM payout_accounts WHERE organization_id = ${organizationId}::uuid`,
  );
  // The role first: a stranger learns nothing about how the platform is configured.
  if (!stripe || !urls) throw paymentProviderNotConfigured();
  let stripeAccountId = rows[0]?.stripe_account_id;
  if (stripeAccountId === undefined) {
    const account = await askStripe(ctx, organizationId, () =>
      stripe.accounts.create(connectedAccountParams(organizationId), {
        idempotencyKey: `codex-connect-account:${organizationId}`,
      }),
    );
    // A database failure here throws as itself; the retry gets the same account from Stripe (the
    // key is the organization's, kept at least 24 hours).
    stripeAccountId = (await storeAccount(ctx.hot, organizationId, account, ctx.clock()))
      .stripeAccountId;
    ctx.logger.info('connected account created', { organizationId, stripeAccountId });
  }
  const account = stripeAccountId;
  const link = await askStripe(ctx, organizationId, () =>
    stripe.accountLinks.create({
      account,
      refresh_url: urls.refreshUrl,
      return_url: urls.returnUrl,
      type: 'account_onboarding',
    }),
  );
  return { url: link.url, expiresAt: new Date(link.expires_at * 1000), stripeAccountId: account };
}

/** One Stripe call of onboarding; its failure is logged and answered `PAYMENT_PROVIDER_ERROR`. */
async function askStripe<T>(
  ctx: FulfillmentContext,
  organizationId: string,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    ctx.logger.trackError(error, { operation: 'start onboarding', organizationId });
    throw providerError(error);
  }
}

/** What the organization's payouts need and can do, as last read from Stripe. */
export interface PayoutStatus {
  /** Null until onboarding started. */
  stripeAccountId: string | null;
  /** True when the account can receive transfers: sales are paid out. */
  transfersActive: boolean;
  payoutsEnabled: boolean;
  detailsSubmitted: boolean;
  /** What Stripe still needs (its requirement names), currently or past due. */
  requirementsDue: string[];
  disabledReason: string | null;
  /** When the account was last read from Stripe. */
  syncedAt: Date | null;
  /** The fee new sales are sold under: the organization's own, or the platform's default. */
  platformFee: { basisPoints: number; fixedCents: number; source: 'organization' | 'platform' };
}

/**
 * The organization's payout status, for a caller whose role may `read_earnings`. One statement.
 * Throws `PurchaseError` `NOT_FOUND`, `FORBIDDEN`.
 */
export async function readPayoutStatus(
  db: Queryable,
  caller: StaffCaller,
  defaultFee: { basisPoints: number; fixedCents: number },
): Promise<PayoutStatus> {
  const { rows } = await queryAsStaff(
    db,
    caller,
    'read_earnings',
    sql`SELECT o.platform_fee_basis_points, o.platform_fee_fixed_cents, a.stripe_account_id,
               a.transfers_active, a.payouts_enabled, a.details_submitted, a.requirements_due,
               a.disabled_reason, a.synced_at
        FROM organizations o LEFT JOIN payout_accounts a ON a.organization_id = o.id
        WHERE o.id = ${caller.organizationId}::uuid`,
  );
  const row = rows[0] ?? {};
  const own = row.platform_fee_basis_points !== null && row.platform_fee_basis_points !== undefined;
  const due: unknown =
    typeof row.requirements_due === 'string'
      ? JSON.parse(row.requirements_due)
      : row.requirements_due;
  const flag = (value: unknown) => value === true || value === 't';
  return {
    stripeAccountId: row.stripe_account_id ? String(row.stripe_account_id) : null,
    transfersActive: flag(row.transfers_active),
    payoutsEnabled: flag(row.payouts_enabled),
    detailsSubmitted: flag(row.details_submitted),
    requirementsDue: Array.isArray(due) ? due.map(String) : [],
    disabledReason: row.disabled_reason ? String(row.disabled_reason) : null,
    syncedAt: toNullableDate(row.synced_at),
    platformFee: own
      ? {
          basisPoints: Number(row.platform_fee_basis_points),
          fixedCents: Number(row.platform_fee_fixed_cents ?? 0),
          source: 'organization',
        }
      : { ...defaultFee, source: 'platform' },
  };
}

/** Sets (or, with null, clears) an organization's own platform fee; for operators' tools and tests. */
export async function setOrganizationPlatformFee(
  db: Queryable,
  organizationId: string,
  fee: { basisPoints: number; fixedCents: number } | null,
): Promise<void> {
  await queryRows(
    db,
    sql`UPDATE organizations SET platform_fee_basis_points = ${fee?.basisPoints ?? null}::int,
          platform_fee_fixed_cents = ${fee?.fixedCents ?? null}::int, updated_at = now()
        WHERE id = ${organizationId}::uuid`,
  );
}
