import { describe, expect, it } from 'vitest';
import { isAccessRevokingRefund } from './access-policy';

describe('isAccessRevokingRefund', () => {
  it('revokes only when refunds reach the full price', () => {
    expect(isAccessRevokingRefund(0, 1_000)).toBe(false);
    expect(isAccessRevokingRefund(400, 1_000)).toBe(false);
    expect(isAccessRevokingRefund(999, 1_000)).toBe(false);
    expect(isAccessRevokingRefund(1_000, 1_000)).toBe(true);
    expect(isAccessRevokingRefund(1_200, 1_000)).toBe(true);
  });

  it('never revokes a free purchase that saw no refund', () => {
    expect(isAccessRevokingRefund(0, 0)).toBe(false);
  });
});
