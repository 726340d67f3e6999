import { sql } from '@codex/database';
import { createTestContent, createTestOrganization } from '@codex/test-utils/factories';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  addMember,
  authorizationFor,
  callWorker,
  withTestDatabase,
} from '../../testing/test-support';

// The CSV export of 100,000 sales streams in bounded memory. Heap use inside workerd cannot be
// measured reliably from a test, so "bounded" is proven by what the worker asks the database for,
// counted on the SQL-over-HTTP requests it sends (a spy on `fetch`, which the driver calls):
// - every statement asks for one page, at most 1,001 rows (1,000 and one to know a next exists);
// - the statements total ceil(N / 1,000): each row is read once, no whole-table read anywhere;
// - while the test reads the body chunk by chunk, the worker has never sent more statements than
//   the test has received pages: it reads a page only when the previous one was taken, so at any
//   moment it holds at most one page, whatever N is.
// 100,000 rows take a few seconds on a server and on the embedded PGlite alike, so both use them.
const SALES = 100_000;
const PAGE_SIZE = 1000;

/** The SQL-over-HTTP statements the worker sends that read the sales list, with their row limit. */
function spyOnSalesStatements(): { limits: number[] } {
  const seen = { limits: [] as number[] };
  const original = globalThis.fetch;
  vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    if (typeof init?.body === 'string' && init.body.includes('"query"')) {
      const body = JSON.parse(init.body) as { query: string; params: unknown[] };
      if (/from "content_purchases"/i.test(body.query) && /order by/i.test(body.query)) {
        seen.limits.push(Number(body.params.at(-1)));
      }
    }
    return original(input, init);
  });
  return seen;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('GET /api/organizations/:orgId/sales.csv at volume', () => {
  it(`streams ${SALES.toLocaleString('en')} sales page by page, never more than one page ahead of the reader`, async () => {
    const organizationId = await withTestDatabase(async (db) => {
      const organization = await createTestOrganization(db);
      const item = await createTestContent(db, {
        organizationId: organization.id,
        title: 'Bulk, "export"',
      });
      // One statement: every sale by its own customer, one second apart.
      await db.execute(sql`
          INSERT INTO content_purchases (customer_id, content_id, organization_id,
            price_paid_cents, currency, status, purchased_at, created_at)
          SELECT 'bulk_' || n, ${item.id}, ${organization.id}, 999, 'usd', 'completed',
            now() - n * interval '1 second', now() - n * interval '1 second'
          FROM generate_series(1, ${SALES}) n
        `);
      return organization.id;
    });

    await addMember(organizationId, 'auth0|bulk-staff', 'member');
    const statements = spyOnSalesStatements();
    const response = await callWorker(`/api/organizations/${organizationId}/sales.csv`, {
      headers: await authorizationFor('auth0|bulk-staff', { staff: true }),
    });
    expect(response.status).toBe(200);
    const reader = response.body?.getReader();
    if (!reader) throw new Error('no body');

    const decoder = new TextDecoder();
    let lines = 0;
    let pagesReceived = 0;
    let rest = '';
    let mostAhead = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const text = rest + decoder.decode(value, { stream: true });
      const parts = text.split('\r\n');
      rest = parts.pop() ?? '';
      lines += parts.length;
      if (parts.length > 1 || !parts[0]?.startsWith('purchaseId,')) pagesReceived++;
      mostAhead = Math.max(mostAhead, statements.limits.length - pagesReceived);
    }
    expect(rest).toBe('');
    expect(lines).toBe(SALES + 1);
    expect(statements.limits).toHaveLength(Math.ceil(SALES / PAGE_SIZE));
    expect(statements.limits.every((limit) => limit === PAGE_SIZE + 1)).toBe(true);
    expect(mostAhead).toBeLessThanOrEqual(1);
  }, 120_000);
});
