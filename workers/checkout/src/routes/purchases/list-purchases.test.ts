import { contentPurchases } from '@codex/database';
import {
  createTestContent,
  createTestOrganization,
  createTestUser,
} from '@codex/test-utils/factories';
import { describe, expect, it } from 'vitest';
import { authorizationFor, callWorker, withTestDatabase } from './test-support';

// The buyer's reads through the worker: history, one purchase, library, batch access. What each
// query returns is proven in @codex/purchases (src/buyer/); here: routing, auth, ownership, the
// JSON shape, pagination over HTTP and the error answers.

type Seed = { status: 'pending' | 'completed' | 'failed'; refunded?: boolean; title?: string };

/** One customer with one purchase per seed, oldest first; returns ids in seed order. */
async function seedPurchases(seeds: Seed[]) {
  return withTestDatabase(async (db) => {
    const organization = await createTestOrganization(db);
    const customerId = createTestUser();
    const rows: Array<{ purchaseId: string; contentId: string }> = [];
    for (const [index, seed] of seeds.entries()) {
      const item = await createTestContent(db, {
        organizationId: organization.id,
        title: seed.title ?? `Item ${index}`,
        priceCents: 1500,
      });
      const createdAt = new Date(Date.UTC(2026, 0, 1, 0, index));
      const [row] = await db
        .insert(contentPurchases)
        .values({
          customerId,
          contentId: item.id,
          organizationId: organization.id,
          pricePaidCents: item.priceCents,
          currency: item.currency,
          status: seed.status,
          purchasedAt: seed.status === 'completed' ? createdAt : null,
          refundedAt: seed.refunded ? createdAt : null,
          amountRefundedCents: seed.refunded ? 1500 : 0,
          createdAt,
        })
        .returning({ id: contentPurchases.id });
      rows.push({ purchaseId: String(row?.id), contentId: item.id });
    }
    return { customerId, rows };
  });
}

async function get(customerId: string, path: string) {
  return callWorker(path, { headers: await authorizationFor(customerId) });
}

async function askMany(customerId: string, body: unknown, contentType = 'application/json') {
  return callWorker('/api/purchases/access', {
    method: 'POST',
    headers: { ...(await authorizationFor(customerId)), 'Content-Type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('GET /api/purchases', () => {
  it("answers the buyer's purchases newest first, with buyer statuses and ISO dates", async () => {
    const { customerId, rows } = await seedPurchases([
      { status: 'completed', title: 'Oldest' },
      { status: 'failed' },
      { status: 'completed', refunded: true },
      { status: 'pending', title: 'Newest' },
    ]);
    const response = await get(customerId, '/api/purchases');
    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe('private, no-store');
    const body = (await response.json()) as {
      data: Array<Record<string, unknown>>;
      nextCursor: string | null;
    };
    expect(body.nextCursor).toBeNull();
    expect(body.data.map((purchase) => purchase.status)).toEqual([
      'pending',
      'refunded',
      'failed',
      'completed',
    ]);
    expect(body.data[3]).toEqual({
      purchaseId: rows[0]?.purchaseId,
      contentId: rows[0]?.contentId,
      contentTitle: 'Oldest',
      amountCents: 1500,
      currency: 'usd',
      amountRefundedCents: 0,
      status: 'completed',
      hasAccess: true,
      createdAt: '2026-01-01T00:00:00.000Z',
      purchasedAt: '2026-01-01T00:00:00.000Z',
      refundedAt: null,
    });
  });

  it('walks every purchase once, page by page, through nextCursor', async () => {
    const { customerId, rows } = await seedPurchases(
      Array.from({ length: 5 }, () => ({ status: 'completed' as const })),
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const response = await get(customerId, `/api/purchases?limit=2${query}`);
      const page = (await response.json()) as {
        data: Array<{ purchaseId: string }>;
        nextCursor: string | null;
      };
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((purchase) => purchase.purchaseId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(rows.map((row) => row.purchaseId).reverse());
  });

  it('never shows another customer’s purchases', async () => {
    await seedPurchases([{ status: 'completed' }]);
    const stranger = createTestUser();
    const body = (await (await get(stranger, '/api/purchases')).json()) as { data: unknown[] };
    expect(body.data).toEqual([]);
  });

  it.each([
    ['a limit over 100', '?limit=101', 'VALIDATION_ERROR'],
    ['a limit that is not a number', '?limit=ten', 'VALIDATION_ERROR'],
    ['a cursor it did not issue', '?cursor=bm90LWEtY3Vyc29y', 'INVALID_CURSOR'],
  ])('answers 400 for %s', async (_case, query, code) => {
    const response = await get(createTestUser(), `/api/purchases${query}`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
  });

  it('needs a buyer token', async () => {
    expect((await callWorker('/api/purchases')).status).toBe(401);
  });
});

describe('GET /api/purchases/:purchaseId', () => {
  it('answers one of the buyer’s purchases', async () => {
    const { customerId, rows } = await seedPurchases([{ status: 'completed' }]);
    const response = await get(customerId, `/api/purchases/${rows[0]?.purchaseId}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      data: { purchaseId: rows[0]?.purchaseId, status: 'completed' },
    });
  });

  it('answers the same 404 for another customer’s purchase and an unknown id', async () => {
    const { rows } = await seedPurchases([{ status: 'completed' }]);
    const stranger = createTestUser();
    const foreign = await get(stranger, `/api/purchases/${rows[0]?.purchaseId}`);
    const unknown = await get(stranger, `/api/purchases/${crypto.randomUUID()}`);
    for (const response of [foreign, unknown]) {
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({
        error: { code: 'NOT_FOUND', message: 'Purchase not found' },
      });
    }
  });

  it('answers 400 for an id that is not a UUID', async () => {
    const response = await get(createTestUser(), '/api/purchases/not-a-uuid');
    expect(response.status).toBe(400);
  });
});

describe('GET /api/library', () => {
  it('lists exactly the playable content, most recent purchase first', async () => {
    const { customerId, rows } = await seedPurchases([
      { status: 'completed', title: 'First' },
      { status: 'completed', refunded: true },
      { status: 'failed' },
      { status: 'pending' },
      { status: 'completed', title: 'Last' },
    ]);
    const response = await get(customerId, '/api/library');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      data: [
        {
          contentId: rows[4]?.contentId,
          contentTitle: 'Last',
          purchaseId: rows[4]?.purchaseId,
          purchasedAt: '2026-01-01T00:04:00.000Z',
        },
        {
          contentId: rows[0]?.contentId,
          contentTitle: 'First',
          purchaseId: rows[0]?.purchaseId,
          purchasedAt: '2026-01-01T00:00:00.000Z',
        },
      ],
      nextCursor: null,
    });
  });
});

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
