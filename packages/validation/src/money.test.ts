import { describe, expect, it } from 'vitest';
import { currencyCodeSchema, MAX_PRICE_CENTS, priceCentsSchema } from './money';

describe('priceCentsSchema', () => {
  it.each([0, 1, 999, MAX_PRICE_CENTS])('accepts %i', (cents) => {
    expect(priceCentsSchema.parse(cents)).toBe(cents);
  });

  it.each([
    [-1, 'must not be negative'],
    [9.99, 'must be a whole number of cents'],
    [MAX_PRICE_CENTS + 1, `must be at most ${MAX_PRICE_CENTS}`],
    ['999', 'must be a number'],
  ])('rejects %s', (input, message) => {
    expect(priceCentsSchema.safeParse(input).error?.issues[0]?.message).toBe(message);
  });
});

describe('currencyCodeSchema', () => {
  it('lower-cases an ISO 4217 code, as Stripe expects', () => {
    expect(currencyCodeSchema.parse('EUR')).toBe('eur');
    expect(currencyCodeSchema.parse('usd')).toBe('usd');
  });

  it.each(['us', 'usdd', 'u$d', ''])('rejects %j', (input) => {
    expect(currencyCodeSchema.safeParse(input).error?.issues[0]?.message).toBe(
      'must be a three-letter ISO 4217 code',
    );
  });

  it('rejects a non-string', () => {
    expect(currencyCodeSchema.safeParse(840).error?.issues[0]?.message).toBe('must be a string');
  });
});
