import { describe, expect, it } from 'vitest';
import { passesLuhn } from './passes-luhn';

describe('passesLuhn', () => {
  it('accepts numbers with a valid check digit', () => {
    expect(passesLuhn('4242424242424242')).toBe(true);
    expect(passesLuhn('378282246310005')).toBe(true);
    expect(passesLuhn('0')).toBe(true);
  });

  it('rejects numbers with a wrong check digit', () => {
    expect(passesLuhn('4242424242424241')).toBe(false);
    expect(passesLuhn('378282246310006')).toBe(false);
  });

  it('rejects anything that is not only digits', () => {
    expect(passesLuhn('')).toBe(false);
    expect(passesLuhn('4242 4242 4242 4242')).toBe(false);
    expect(passesLuhn('4242-4242-4242-4242')).toBe(false);
    expect(passesLuhn('42a2')).toBe(false);
  });
});
