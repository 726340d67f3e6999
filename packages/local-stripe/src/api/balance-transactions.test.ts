import { describe, expect, it } from 'vitest';
import { createBalanceLedger, stripeFee } from './balance-transactions';

describe('stripeFee', () => {
  it.each([
    // 2.9 % + 30¢, half up: 2.9 % of 500 is exactly 14.5.
    [500, 'card', 45],
    [50, 'card', 31],
    [2000, 'card', 88],
    [1999, 'card', 88],
    // 0.8 %, capped at $5.00.
    [10_000, 'bank_debit', 80],
    [62_500, 'bank_debit', 500],
    [1_000_000, 'bank_debit', 500],
  ] as const)('%i by %s costs %i', (amount, method, fee) => {
    expect(stripeFee(amount, method)).toBe(fee);
  });
});

describe('createBalanceLedger', () => {
  it('keeps one balance per owner and currency, and shows each owner only its transactions', () => {
    const ledger = createBalanceLedger(() => 1_800_000_000);
    const charge = ledger.record({
      amount: 2000,
      currency: 'usd',
      fee: 88,
      type: 'charge',
      source: 'ch_1',
    });
    const payment = ledger.record({
      account: 'acct_1',
      amount: 700,
      currency: 'usd',
      type: 'payment',
      source: 'py_1',
    });
    ledger.record({ amount: 500, currency: 'eur', fee: 45, type: 'charge', source: 'ch_2' });

    expect(charge).toMatchObject({
      net: 1912,
      reporting_category: 'charge',
      available_on: 1_800_000_000,
    });
    expect(ledger.available('usd')).toBe(1912);
    expect(ledger.available('usd', 'acct_1')).toBe(700);
    expect(ledger.balance().available.map(({ amount, currency }) => [currency, amount])).toEqual([
      ['usd', 1912],
      ['eur', 455],
    ]);
    expect(ledger.transaction(payment.id)).toBeUndefined();
    expect(ledger.transaction(payment.id, 'acct_1')).toEqual(payment);
    expect(ledger.transaction(charge.id, 'acct_1')).toBeUndefined();
    expect(ledger.balance('acct_2').available).toEqual([
      { amount: 0, currency: 'usd', source_types: { card: 0 } },
    ]);
  });
});
