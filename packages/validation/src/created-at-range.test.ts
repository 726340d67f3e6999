import { describe, expect, it } from 'vitest';
import { z } from 'zod';
// Through the package's public entry, as consumers import it.
import { formatValidationIssues, instantSchema, withCreatedAtRange } from './index';

const rangeQuery = withCreatedAtRange({ status: z.string().optional() });

function issuesOf(value: unknown) {
  const result = rangeQuery.safeParse(value);
  return result.success ? [] : formatValidationIssues(result.error);
}

describe('instantSchema', () => {
  it('reads an ISO 8601 date as UTC midnight and a date-time with its offset', () => {
    expect(instantSchema.parse('2026-01-01')).toEqual(new Date('2026-01-01T00:00:00Z'));
    expect(instantSchema.parse('2026-02-01T10:00:00+02:00')).toEqual(
      new Date('2026-02-01T08:00:00Z'),
    );
    expect(instantSchema.parse('2026-02-01T10:00:00.5Z')).toEqual(
      new Date('2026-02-01T10:00:00.500Z'),
    );
  });

  it.each([
    ['an impossible month', '2026-13-01'],
    ['a word', 'yesterday'],
    ['a date-time without an offset', '2026-01-01T10:00:00'],
    ['an overlong text', `2026-01-01T10:00:00${'0'.repeat(40)}Z`],
  ])('refuses %s', (_label, value) => {
    expect(instantSchema.safeParse(value).error?.issues[0]?.message).toBe(
      'must be an ISO 8601 date (2026-01-31) or date-time with offset',
    );
  });

  it('refuses a non-string', () => {
    expect(instantSchema.safeParse(20260101).error?.issues[0]?.message).toBe('must be a string');
  });
});

describe('withCreatedAtRange', () => {
  it('keeps the given fields first, then `from` and `to`, both optional', () => {
    expect(Object.keys(rangeQuery.shape)).toEqual(['status', 'from', 'to']);
    expect(rangeQuery.parse({})).toEqual({});
    expect(rangeQuery.parse({ status: 'completed', from: '2026-01-01' })).toEqual({
      status: 'completed',
      from: new Date('2026-01-01T00:00:00Z'),
    });
    expect(rangeQuery.parse({ to: '2026-01-01' })).toEqual({
      to: new Date('2026-01-01T00:00:00Z'),
    });
  });

  it('accepts `from` equal to `to` (an empty range) and `from` before `to`', () => {
    expect(rangeQuery.safeParse({ from: '2026-01-01', to: '2026-01-01' }).success).toBe(true);
    expect(rangeQuery.safeParse({ from: '2026-01-01', to: '2026-01-02' }).success).toBe(true);
  });

  it('refuses `from` after `to`, with the issue on `from`', () => {
    expect(issuesOf({ from: '2026-02-01', to: '2026-01-01' })).toEqual([
      { path: 'from', message: 'must not be after `to`' },
    ]);
    expect(issuesOf({ from: '2026-01-01T00:00:01Z', to: '2026-01-01' })).toEqual([
      { path: 'from', message: 'must not be after `to`' },
    ]);
  });

  it('names the malformed end, and only that', () => {
    expect(issuesOf({ from: '2026-01-01', to: 'tomorrow' }).map((issue) => issue.path)).toEqual([
      'to',
    ]);
  });
});
