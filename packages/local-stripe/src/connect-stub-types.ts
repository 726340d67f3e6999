import type { StripeStubAccount } from './api/account-store';
import type { StripeStubBalance } from './api/balance-transactions';
import type { StripeStubEvent } from './api/event-store';
import type { StripeStubPayout } from './api/pay-out-account';
import type { StripeStubTransfer } from './api/transfer-types';

/**
 * Stripe's side of Connect, for tests: onboarding outcomes, payouts, and what the platform and its
 * connected accounts hold. Part of {@link import('./stripe-stub-types').StripeStub}. Each method
 * throws a `StripeStubError` (404 for an unknown account, 400 for a refused change).
 */
export interface StripeStubConnectHooks {
  /**
   * The account finishes Stripe's hosted onboarding, as its "Complete onboarding" button does:
   * nothing due, `details_submitted`, `payouts_enabled`, each requested capability `active`
   * (`charges_enabled` with `card_payments`). With `leaveDue`, as "Leave requirements due":
   * `details_submitted` but `currently_due: ['external_account']`, capabilities `inactive`,
   * payouts disabled. Emits `[account.updated]` (with the event's `account` and
   * `data.previous_attributes`), or nothing if nothing changed.
   */
  completeAccountOnboarding(accountId: string, options?: { leaveDue?: boolean }): StripeStubEvent[];
  /**
   * Stripe needs more information: requirements due again
   * (`['individual.verification.document']`), capabilities `inactive`, payouts and charges
   * disabled. Emits `[account.updated]`.
   */
  requireAccountInformation(accountId: string): StripeStubEvent[];
  /**
   * A payout of the account's whole available balance (one per currency) to its bank account:
   * the balance becomes 0. Emits `[payout.created, payout.paid]` per payout, on the account.
   * Throws while payouts are disabled or when nothing is available.
   */
  payOutAccount(accountId: string): { payouts: StripeStubPayout[]; events: StripeStubEvent[] };
  /**
   * Stripe's Balance object of a connected account, or the platform's when `accountId` is
   * omitted (what `GET /v1/balance` answers, with or without `Stripe-Account`). Everything is
   * available at once; `pending` is always 0.
   */
  balanceOf(accountId?: string): StripeStubBalance;
  /** Every Transfer, newest first (copies). */
  listTransfers(): StripeStubTransfer[];
  /** A connected account by id (a copy), or undefined. */
  getAccount(id: string): StripeStubAccount | undefined;
  /** Every connected account, oldest first (copies). */
  listAccounts(): StripeStubAccount[];
}
