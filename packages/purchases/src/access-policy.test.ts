import { describe, expect, it } from 'vitest';
import { isAccessRevokingRefund, nextDisputeStatus } from './access-policy';

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

describe('nextDisputeStatus', () => {
  it('opens, then closes as won or lost', () => {
    expect(nextDisputeStatus(null, 'created')).toBe('open');
    expect(nextDisputeStatus('open', 'won')).toBe('won');
    expect(nextDisputeStatus('open', 'lost')).toBe('lost');
  });

  it('keeps lost final and never reopens a closed dispute', () => {
    expect(nextDisputeStatus('lost', 'won')).toBe('lost');
    expect(nextDisputeStatus('lost', 'created')).toBe('lost');
    expect(nextDisputeStatus('won', 'created')).toBe('won');
  });
});
