import { randomId } from './random-id';

/**
 * What moved one balance, as Stripe's Balance Transaction object carries it
 * (https://docs.stripe.com/api/balance_transactions/object). Funds are `available` at once here:
 * the stand-in has no pending balance (see the README's simplifications).
 */
export type StripeStubBalanceTransaction = {
  id: string;
  object: 'balance_transaction';
  /** Gross, in minor units: negative when money leaves the balance. */
  amount: number;
  currency: string;
  fee: number;
  fee_details: Array<{
    amount: number;
    currency: string;
    type: 'stripe_fee';
    description: string;
    application: null;
  }>;
  /** `amount - fee`: what the balance moved by. */
  net: number;
  type: BalanceTransactionType;
  reporting_category: string;
  /** The object that caused it: `ch_…`, `re_…`, `du_…`, `tr_…`, `trr_…`, `py_…`, `po_…`. */
  source: string;
  status: 'available';
  description: string | null;
  created: number;
  available_on: number;
};

/** The Balance Transaction types the stand-in records (a subset of Stripe's). */
export type BalanceTransactionType =
  | 'charge'
  | 'refund'
  | 'refund_failure'
  | 'adjustment'
  | 'transfer'
  | 'transfer_refund'
  | 'payment'
  | 'payment_refund'
  | 'payout';

/** Stripe's Balance object (https://docs.stripe.com/api/balance/balance_object), as the stand-in serves it. */
export type StripeStubBalance = {
  object: 'balance';
  available: Array<{ amount: number; currency: string; source_types: { card: number } }>;
  pending: Array<{ amount: number; currency: string; source_types: { card: number } }>;
  livemode: false;
};

/** One movement of a balance; `account` undefined is the platform's own balance. */
export interface BalanceEntry {
  account?: string | undefined;
  amount: number;
  currency: string;
  fee?: number;
  type: BalanceTransactionType;
  /** Stripe's reporting category; default the type's. */
  reportingCategory?: string;
  source: string;
  description?: string | null;
}

// Stripe's reporting categories for the types recorded here
// (https://docs.stripe.com/reports/reporting-categories).
const REPORTING_CATEGORIES: Record<BalanceTransactionType, string> = {
  charge: 'charge',
  refund: 'refund',
  refund_failure: 'refund_failure',
  adjustment: 'dispute',
  transfer: 'transfer',
  transfer_refund: 'transfer_reversal',
  payment: 'charge',
  payment_refund: 'refund',
  payout: 'payout',
};

// Stripe's standard US pricing (https://stripe.com/pricing): cards 2.9 % + 30¢; ACH Direct Debit
// 0.8 % capped at $5.00. Rounded half up to the cent. The stand-in applies them to every currency.
const CARD_PERCENT_TENTHS = 29;
const CARD_FIXED = 30;
const BANK_DEBIT_PERCENT_TENTHS = 8;
const BANK_DEBIT_CAP = 500;
/** Stripe's US dispute fee, $15.00 (https://stripe.com/pricing, "Disputed payments"). */
export const DISPUTE_FEE = 1500;

/** Stripe's processing fee of a payment of `amount` minor units by card or by bank debit. */
export function stripeFee(amount: number, method: 'card' | 'bank_debit'): number {
  if (method === 'card')
    return Math.floor((amount * CARD_PERCENT_TENTHS + 500) / 1000) + CARD_FIXED;
  return Math.min(Math.floor((amount * BANK_DEBIT_PERCENT_TENTHS + 500) / 1000), BANK_DEBIT_CAP);
}

const PLATFORM = 'platform';

/**
 * The balances of the platform and of each connected account, in memory, and the Balance
 * Transactions that moved them. Every movement is available at once. Pure state, never throws.
 */
export function createBalanceLedger(nowSeconds: () => number) {
  const transactions = new Map<
    string,
    { account: string | undefined; value: StripeStubBalanceTransaction }
  >();
  /** owner → currency → available amount. */
  const balances = new Map<string, Map<string, number>>();

  function amounts(account: string | undefined): Map<string, number> {
    const key = account ?? PLATFORM;
    let found = balances.get(key);
    if (!found) {
      found = new Map();
      balances.set(key, found);
    }
    return found;
  }

  return {
    /** Records a movement and applies its net to the owner's available balance; returns it. */
    record(entry: BalanceEntry): StripeStubBalanceTransaction {
      const fee = entry.fee ?? 0;
      const now = nowSeconds();
      const transaction: StripeStubBalanceTransaction = {
        id: randomId('txn_', 24),
        object: 'balance_transaction',
        amount: entry.amount,
        currency: entry.currency,
        fee,
        fee_details:
          fee === 0
            ? []
            : [
                {
                  amount: fee,
                  currency: entry.currency,
                  type: 'stripe_fee',
                  description: 'Stripe processing fees',
                  application: null,
                },
              ],
        net: entry.amount - fee,
        type: entry.type,
        reporting_category: entry.reportingCategory ?? REPORTING_CATEGORIES[entry.type],
        source: entry.source,
        status: 'available',
        description: entry.description ?? null,
        created: now,
        available_on: now,
      };
      transactions.set(transaction.id, { account: entry.account, value: transaction });
      const owned = amounts(entry.account);
      owned.set(entry.currency, (owned.get(entry.currency) ?? 0) + transaction.net);
      return transaction;
    },

    /** A Balance Transaction of `account` (undefined: the platform's), or undefined. */
    transaction(id: string, account?: string): StripeStubBalanceTransaction | undefined {
      const found = transactions.get(id);
      return found && found.account === account ? found.value : undefined;
    },

    /** What `account` (undefined: the platform) has available in `currency`. */
    available: (currency: string, account?: string): number => amounts(account).get(currency) ?? 0,

    /** Every currency `account` holds, with its available amount. */
    currencies: (account?: string): Array<[currency: string, amount: number]> => [
      ...amounts(account),
    ],

    /** Stripe's Balance object of `account` (undefined: the platform); usd 0 when nothing moved. */
    balance(account?: string): StripeStubBalance {
      const held = [...amounts(account)];
      const entries = held.length > 0 ? held : [['usd', 0] as [string, number]];
      return {
        object: 'balance',
        available: entries.map(([currency, amount]) => ({
          amount,
          currency,
          source_types: { card: amount },
        })),
        pending: entries.map(([currency]) => ({ amount: 0, currency, source_types: { card: 0 } })),
        livemode: false,
      };
    },

    reset(): void {
      transactions.clear();
      balances.clear();
    },
  };
}

/** The balances and their transactions; see {@link createBalanceLedger}. */
export type BalanceLedger = ReturnType<typeof createBalanceLedger>;
