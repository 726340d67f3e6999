import { describe, expect, it } from 'vitest';
// Through the package's public entry, as consumers import it.
import {
  DEFAULT_PAGE_LIMIT,
  formatValidationIssues,
  listQuerySchema,
  MAX_CURSOR_LENGTH,
  MAX_PAGE_LIMIT,
} from './index';

/** The issues of a refused input, as an error response would carry them. */
function issuesOf(result: {
  success: boolean;
  error?: Parameters<typeof formatValidationIssues>[0];
}) {
  expect(result.success).toBe(false);
  return result.error ? formatValidationIssues(result.error) : [];
}

describe('listQuerySchema', () => {
  it('defaults to the first page of 20 rows', () => {
    expect(listQuerySchema.parse({})).toEqual({ limit: DEFAULT_PAGE_LIMIT });
    expect(DEFAULT_PAGE_LIMIT).toBe(20);
  });

  it('reads the limit from its query-string spelling and keeps the cursor', () => {
    expect(listQuerySchema.parse({ cursor: 'eyJrIjoicCJ9', limit: '5' })).toEqual({
      cursor: 'eyJrIjoicCJ9',
      limit: 5,
    });
  });

  it('accepts the bounds 1 and 100, and a cursor of the longest size', () => {
    expect(listQuerySchema.parse({ limit: '1' }).limit).toBe(1);
    expect(listQuerySchema.parse({ limit: String(MAX_PAGE_LIMIT) }).limit).toBe(100);
    const longest = 'a'.repeat(MAX_CURSOR_LENGTH);
    expect(listQuerySchema.parse({ cursor: longest }).cursor).toBe(longest);
  });

  it('ignores other query parameters', () => {
    expect(listQuerySchema.parse({ utm_source: 'mail' })).toEqual({ limit: 20 });
  });

  it.each([
    ['zero', '0'],
    ['above the cap', '101'],
    ['far above the cap', '5000'],
    ['negative', '-1'],
    ['a fraction', '2.5'],
    ['an exponent', '1e2'],
    ['hexadecimal', '0x10'],
    ['empty', ''],
    ['padded', ' 5'],
  ])('refuses a limit that is %s', (_label, limit) => {
    expect(issuesOf(listQuerySchema.safeParse({ limit }))).toEqual([
      { path: 'limit', message: 'must be a whole number from 1 to 100' },
    ]);
  });

  it('refuses a limit given as a number or repeated (an array): query strings are text', () => {
    expect(issuesOf(listQuerySchema.safeParse({ limit: 5 }))).toEqual([
      { path: 'limit', message: 'must be a string' },
    ]);
    expect(issuesOf(listQuerySchema.safeParse({ limit: ['5', '6'] }))).toEqual([
      { path: 'limit', message: 'must be a string' },
    ]);
  });

  it('refuses an empty, oversized or non-string cursor', () => {
    expect(issuesOf(listQuerySchema.safeParse({ cursor: '' }))).toEqual([
      { path: 'cursor', message: 'must not be empty' },
    ]);
    expect(issuesOf(listQuerySchema.safeParse({ cursor: 'a'.repeat(201) }))).toEqual([
      { path: 'cursor', message: 'must be at most 200 characters' },
    ]);
    expect(issuesOf(listQuerySchema.safeParse({ cursor: 7 }))).toEqual([
      { path: 'cursor', message: 'must be a string' },
    ]);
  });
});
