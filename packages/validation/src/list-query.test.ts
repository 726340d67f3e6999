import { describe, expect, it } from 'vitest';
// Through the package's public entry, as consumers import it.
import {
  accessManyBodySchema,
  DEFAULT_PAGE_LIMIT,
  formatValidationIssues,
  listQuerySchema,
  MAX_ACCESS_CHECK_IDS,
  MAX_CURSOR_LENGTH,
  MAX_PAGE_LIMIT,
  purchaseIdParamsSchema,
} from './index';

const ID_A = '6c0a4f3e-2b1d-4e8f-9a7c-5d3b2e1f0a9b';
const ID_B = '3f0e9d1c-7a4b-4c2e-9f61-0b8d2a5e7c19';

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

describe('purchaseIdParamsSchema', () => {
  it('accepts a purchase id and lower-cases it', () => {
    expect(purchaseIdParamsSchema.parse({ purchaseId: ID_A.toUpperCase() })).toEqual({
      purchaseId: ID_A,
    });
  });

  it('refuses an id that is not a UUID before it reaches the database', () => {
    expect(issuesOf(purchaseIdParamsSchema.safeParse({ purchaseId: "1' OR '1'='1" }))).toEqual([
      { path: 'purchaseId', message: 'must be a UUID' },
    ]);
  });
});

describe('accessManyBodySchema', () => {
  it('accepts content ids, collapsing duplicates (also ones spelled in upper case)', () => {
    expect(
      accessManyBodySchema.parse({ contentIds: [ID_A, ID_B, ID_A.toUpperCase(), ID_B] }),
    ).toEqual({ contentIds: [ID_A, ID_B] });
  });

  it('accepts exactly 100 ids', () => {
    const ids = Array.from({ length: MAX_ACCESS_CHECK_IDS }, () => crypto.randomUUID());
    expect(accessManyBodySchema.parse({ contentIds: ids }).contentIds).toHaveLength(100);
  });

  it('refuses an empty list and more than 100 ids', () => {
    expect(issuesOf(accessManyBodySchema.safeParse({ contentIds: [] }))).toEqual([
      { path: 'contentIds', message: 'must name at least one content id' },
    ]);
    const tooMany = Array.from({ length: MAX_ACCESS_CHECK_IDS + 1 }, () => ID_A);
    expect(issuesOf(accessManyBodySchema.safeParse({ contentIds: tooMany }))).toEqual([
      { path: 'contentIds', message: 'must name at most 100 content ids' },
    ]);
  });

  it('names the position of an id that is not a UUID', () => {
    expect(issuesOf(accessManyBodySchema.safeParse({ contentIds: [ID_A, 'nope'] }))).toEqual([
      { path: 'contentIds.1', message: 'must be a UUID' },
    ]);
  });

  it('refuses a missing or non-array list, and unknown keys', () => {
    expect(issuesOf(accessManyBodySchema.safeParse({}))).toEqual([
      { path: 'contentIds', message: 'must be an array of content ids' },
    ]);
    expect(issuesOf(accessManyBodySchema.safeParse({ contentIds: ID_A }))).toEqual([
      { path: 'contentIds', message: 'must be an array of content ids' },
    ]);
    expect(
      issuesOf(accessManyBodySchema.safeParse({ contentIds: [ID_A], customerId: 'user_1' })),
    ).toEqual([{ path: '', message: 'unknown fields are not allowed' }]);
  });
});
