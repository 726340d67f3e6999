import type { AccountStore } from './account-store';
import type { BalanceLedger } from './balance-transactions';
import type { Emission, MoneyOutcome } from './money-types';
import { randomId } from './random-id';
import { invalidRequest, noSuch } from './stripe-error';

/** A Payout as the stand-in makes it (https://docs.stripe.com/api/payouts/object), in part. */
export type StripeStubPayout = {
  id: string;
  object: 'payout';
  amount: number;
  currency: string;
  arrival_date: number;
  automatic: true;
  balance_transaction: string;
  status: 'paid';
  method: 'standard';
  type: 'bank_account';
  created: number;
  livemode: false;
};

/**
 * Stripe's automatic payout of a connected account: its whole available balance in each currency
 * goes to its bank account at once (`payout.created` then `payout.paid`, each with the account as
 * the event's `account`), as a `payout` Balance Transaction on the account. Refused (400) while
 * its payouts are disabled or when nothing is available.
 */
export function payOutAccount(
  accountId: string,
  {
    accounts,
    ledger,
    nowSeconds,
  }: { accounts: AccountStore; ledger: BalanceLedger; nowSeconds: () => number },
): MoneyOutcome<StripeStubPayout[]> {
  const account = accounts.find(accountId);
  if (!account) return noSuch('account', accountId, 'account');
  if (!account.payouts_enabled) {
    return invalidRequest(
      `Account ${accountId} has payouts disabled; complete its onboarding first.`,
    );
  }
  const held = ledger.currencies(accountId).filter(([, amount]) => amount > 0);
  if (held.length === 0)
    return invalidRequest(`Account ${accountId} has no available balance to pay out.`);
  const payouts: StripeStubPayout[] = [];
  const emitted: Emission[] = [];
  for (const [currency, amount] of held) {
    const id = randomId('po_', 24);
    const transaction = ledger.record({
      account: accountId,
      amount: -amount,
      currency,
      type: 'payout',
      source: id,
    });
    const now = nowSeconds();
    const payout: StripeStubPayout = {
      id,
      object: 'payout',
      amount,
      currency,
      arrival_date: now,
      automatic: true,
      balance_transaction: transaction.id,
      status: 'paid',
      method: 'standard',
      type: 'bank_account',
      created: now,
      livemode: false,
    };
    payouts.push(payout);
    // payout.created shows it on its way; paid is the state both are reported in here.
    emitted.push(
      { type: 'payout.created', object: { ...payout, status: 'in_transit' }, account: accountId },
      { type: 'payout.paid', object: payout, account: accountId },
    );
  }
  return { value: payouts, emitted };
}
