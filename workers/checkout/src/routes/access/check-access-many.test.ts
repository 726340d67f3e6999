import { createTestUser } from '@codex/test-utils/factories';
import { describe, expect, it } from 'vitest';
import { issuesOf } from '../../testing/issues-of';
import { seedPurchases } from '../../testing/seed-buyer-purchases';
import { authorizationFor, callWorker } from '../../testing/test-support';
import { accessManyBodySchema, MAX_ACCESS_CHECK_IDS } from './check-access-many';

async function askMany(customerId: string, body: unknown, contentType = 'application/json') {
  return callWorker('/api/purchases/access', {
    method: 'POST',
    headers: { ...(await authorizationFor(customerId)), 'Content-Type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('POST /api/purchases/access', () => {
  it('answers every id asked in one call, by the access rule', async () => {
    const { customerId, rows } = await seedPurchases([
      { status: 'completed' },
      { status: 'completed', refunded: true },
      { status: 'pending' },
    ]);
    const unknown = crypto.randomUUID();
    const ids = [...rows.map((row) => row.contentId), unknown, rows[0]?.contentId];
    const response = await askMany(customerId, { contentIds: ids });
    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe('private, no-store');
    expect(await response.json()).toEqual({
      access: {
        [String(rows[0]?.contentId)]: true,
        [String(rows[1]?.contentId)]: false,
        [String(rows[2]?.contentId)]: false,
        [unknown]: false,
      },
    });
  });

  it('answers for the authenticated customer only', async () => {
    const { rows } = await seedPurchases([{ status: 'completed' }]);
    const response = await askMany(createTestUser(), { contentIds: [rows[0]?.contentId] });
    expect(await response.json()).toEqual({ access: { [String(rows[0]?.contentId)]: false } });
  });

  it.each([
    ['no ids', { contentIds: [] }],
    ['101 ids', { contentIds: Array.from({ length: 101 }, () => crypto.randomUUID()) }],
    ['an id that is not a UUID', { contentIds: ['nope'] }],
    ['an unknown field', { contentIds: [crypto.randomUUID()], customerId: 'someone' }],
    ['malformed JSON', '{"contentIds":'],
  ])('answers 400 VALIDATION_ERROR for %s', async (_case, body) => {
    const response = await askMany(createTestUser(), body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'VALIDATION_ERROR',
    );
  });

  it('answers 415 for a body that is not JSON', async () => {
    const response = await askMany(createTestUser(), 'contentIds=x', 'text/plain');
    expect(response.status).toBe(415);
  });
});

const ID_A = '6c0a4f3e-2b1d-4e8f-9a7c-5d3b2e1f0a9b';
const ID_B = '3f0e9d1c-7a4b-4c2e-9f61-0b8d2a5e7c19';

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
