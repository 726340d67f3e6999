import type { OrganizationMemberRole } from '@codex/database';
import type { ErrorBody } from '@codex/security';
import { describe, expect, it } from 'vitest';
import { seedOrganization } from '../../testing/seed-organization-sales';
import {
  addMember,
  addOperator,
  authorizationFor,
  callWorker,
  removeMember,
} from '../../testing/test-support';
import { salesExportQuerySchema } from './export-sales';
import { salesQuerySchema } from './list-sales';
import { salesSummaryQuerySchema } from './summarize-sales';

// The organization staff's reads through the worker: who may call them (a row of
// organization_members, read in the same statement as the rows; decision 024), the JSON and CSV
// answers, filters, pagination and errors. What each query returns is proven in
// @codex/purchases (src/sales/); the policy's table in @codex/database (staff-rules.ts).

type Headers = { Authorization: string };

/** A new staff user with `role` in the organization, and their staff token. */
async function staffOf(organizationId: string, role: OrganizationMemberRole): Promise<Headers> {
  const user = `auth0|staff-${crypto.randomUUID()}`;
  await addMember(organizationId, user, role);
  return authorizationFor(user, { staff: true });
}

async function getAs(headers: Headers, path: string) {
  return callWorker(path, { headers });
}

async function errorOf(response: Response) {
  return { status: response.status, code: ((await response.json()) as ErrorBody).error.code };
}

const endpoints = ['sales', 'sales/summary', 'sales.csv'] as const;

describe('who may read an organization’s sales', () => {
  for (const endpoint of endpoints) {
    it(`${endpoint}: member, admin, owner and operator read; removed from the table, the same token is 404 on the next request`, async () => {
      const { organizationId } = await seedOrganization([{ createdAt: '2026-01-02T00:00:00Z' }]);
      const path = `/api/organizations/${organizationId}/${endpoint}`;
      const user = `auth0|staff-${crypto.randomUUID()}`;
      const token = await authorizationFor(user, { staff: true });
      for (const role of ['member', 'admin', 'owner'] as const) {
        await addMember(organizationId, user, role);
        const response = await getAs(token, path);
        expect(response.status, role).toBe(200);
        expect(response.headers.get('Cache-Control')).toBe('private, no-store');
        await response.body?.cancel();
      }
      await removeMember(organizationId, user);
      expect(await errorOf(await getAs(token, path))).toEqual({ status: 404, code: 'NOT_FOUND' });

      const operator = `auth0|operator-${crypto.randomUUID()}`;
      await addOperator(operator);
      const operatorAnswer = await getAs(await authorizationFor(operator, { staff: true }), path);
      expect(operatorAnswer.status, 'operator').toBe(200);
      await operatorAnswer.body?.cancel();
    });
  }

  it('an orgs claim grants nothing: owner in the token, no row in the table, 404', async () => {
    const { organizationId } = await seedOrganization([{ createdAt: '2026-01-02T00:00:00Z' }]);
    const headers = await authorizationFor(`auth0|claims-${crypto.randomUUID()}`, {
      staff: true,
      extraClaims: { orgs: { [organizationId]: 'owner' } },
    });
    for (const endpoint of endpoints) {
      const response = await getAs(headers, `/api/organizations/${organizationId}/${endpoint}`);
      expect(await errorOf(response), endpoint).toEqual({ status: 404, code: 'NOT_FOUND' });
    }
  });

  it("refuses another organization's sales exactly like an unknown organization", async () => {
    const mine = await seedOrganization([{ createdAt: '2026-01-02T00:00:00Z' }]);
    const theirs = await seedOrganization([{ createdAt: '2026-01-02T00:00:00Z' }]);
    const headers = await staffOf(mine.organizationId, 'owner');
    const answerFor = async (path: string) => {
      const response = await getAs(headers, path);
      const { code, message } = ((await response.json()) as ErrorBody).error;
      return { status: response.status, code, message };
    };
    const theirs404 = await answerFor(`/api/organizations/${theirs.organizationId}/sales`);
    expect(theirs404).toEqual({
      status: 404,
      code: 'NOT_FOUND',
      message: 'Organization not found',
    });
    expect(await answerFor(`/api/organizations/${crypto.randomUUID()}/sales`)).toEqual(theirs404);
    // A malformed query or id is 400 whatever the organization: it tells nothing about any.
    for (const path of [
      `/api/organizations/${theirs.organizationId}/sales?status=nonsense`,
      `/api/organizations/${crypto.randomUUID()}/sales?status=nonsense`,
      '/api/organizations/not-a-uuid/sales',
    ]) {
      expect(await answerFor(path), path).toMatchObject({ status: 400, code: 'VALIDATION_ERROR' });
    }
  });

  it('answers 401 without a token', async () => {
    const { organizationId } = await seedOrganization([]);
    const response = await callWorker(`/api/organizations/${organizationId}/sales`);
    expect(response.status).toBe(401);
  });
});

describe('GET /api/organizations/:orgId/sales', () => {
  it('lists the organization’s sales newest first, with the customer id and no e-mail', async () => {
    const { organizationId, rows } = await seedOrganization([
      { createdAt: '2026-02-01T00:00:00Z', title: 'Older' },
      { createdAt: '2026-02-02T00:00:00Z', refundedCents: 500, dispute: 'won', title: 'Newer' },
    ]);
    const response = await getAs(
      await staffOf(organizationId, 'member'),
      `/api/organizations/${organizationId.toUpperCase()}/sales`,
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: Record<string, unknown>[]; nextCursor: null };
    expect(body.nextCursor).toBeNull();
    expect(body.data).toEqual([
      {
        purchaseId: rows[1]?.purchaseId,
        contentId: rows[1]?.contentId,
        contentTitle: 'Newer',
        amountCents: 1500,
        currency: 'usd',
        amountRefundedCents: 500,
        disputeStatus: 'won',
        status: 'partially_refunded',
        hasAccess: true,
        customerId: rows[1]?.customerId,
        createdAt: '2026-02-02T00:00:00.000Z',
        purchasedAt: '2026-02-02T00:00:00.000Z',
        refundedAt: null,
      },
      expect.objectContaining({ purchaseId: rows[0]?.purchaseId, status: 'completed' }),
    ]);
  });

  it('filters by status, content and date range, and walks pages with the filters', async () => {
    const { organizationId, rows } = await seedOrganization([
      { createdAt: '2026-03-01T00:00:00Z' },
      { createdAt: '2026-03-02T00:00:00Z', dispute: 'open' },
      { createdAt: '2026-03-03T00:00:00Z', status: 'pending' },
      { createdAt: '2026-03-04T00:00:00Z' },
      { createdAt: '2026-03-05T00:00:00Z' },
    ]);
    const staff = await staffOf(organizationId, 'admin');
    const base = `/api/organizations/${organizationId}/sales`;
    const ids = async (query: string) =>
      (
        (await (await getAs(staff, `${base}?${query}`)).json()) as {
          data: { purchaseId: string }[];
        }
      ).data.map((sale) => sale.purchaseId);
    expect(await ids('status=disputed')).toEqual([rows[1]?.purchaseId]);
    expect(await ids(`contentId=${rows[3]?.contentId}`)).toEqual([rows[3]?.purchaseId]);
    expect(await ids('from=2026-03-02&to=2026-03-04')).toEqual([
      rows[2]?.purchaseId,
      rows[1]?.purchaseId,
    ]);
    expect(await ids('from=2026-03-02T00:00:00%2B01:00&to=2026-03-02T00:00:00Z')).toEqual([]);

    const walked: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `status=completed&limit=1${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await (await getAs(staff, `${base}?${query}`)).json()) as {
        data: { purchaseId: string }[];
        nextCursor: string | null;
      };
      walked.push(...page.data.map((sale) => sale.purchaseId));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null && pages < 10);
    expect(walked).toEqual([rows[4], rows[3], rows[0]].map((row) => row?.purchaseId));
  });

  it('refuses a tampered cursor, a bad status, bad dates and `from` after `to` with 400', async () => {
    const { organizationId } = await seedOrganization([]);
    const staff = await staffOf(organizationId, 'member');
    const base = `/api/organizations/${organizationId}/sales`;
    expect(await errorOf(await getAs(staff, `${base}?cursor=bm9wZQ`))).toEqual({
      status: 400,
      code: 'INVALID_CURSOR',
    });
    for (const query of [
      'status=shipped',
      'from=2026-02-30',
      'to=tomorrow',
      'from=2026-03-01&to=2026-02-01',
      'contentId=nope',
      'limit=1000',
    ]) {
      expect(await errorOf(await getAs(staff, `${base}?${query}`)), query).toEqual({
        status: 400,
        code: 'VALIDATION_ERROR',
      });
    }
    for (const path of [`${base}/summary?from=2026-03-01&to=2026-02-01`, `${base}.csv?to=x`]) {
      expect(await errorOf(await getAs(staff, path)), path).toEqual({
        status: 400,
        code: 'VALIDATION_ERROR',
      });
    }
  });
});

describe('GET /api/organizations/:orgId/sales/summary', () => {
  it('answers per currency and per day, completed sales only, in the range', async () => {
    const { organizationId } = await seedOrganization([
      { createdAt: '2026-04-01T10:00:00Z', refundedCents: 500 },
      { createdAt: '2026-04-01T11:00:00Z', dispute: 'lost' },
      { createdAt: '2026-04-02T11:00:00Z', currency: 'eur', dispute: 'open' },
      { createdAt: '2026-04-02T12:00:00Z', status: 'failed' },
      { createdAt: '2026-04-03T12:00:00Z' },
    ]);
    const response = await getAs(
      await staffOf(organizationId, 'owner'),
      `/api/organizations/${organizationId}/sales/summary?from=2026-04-01&to=2026-04-03`,
    );
    expect(response.status).toBe(200);
    const totals = { count: 1, grossCents: 1500, refundedCents: 0, disputedCents: 1500 };
    expect(await response.json()).toEqual({
      data: {
        range: { from: '2026-04-01T00:00:00.000Z', to: '2026-04-03T00:00:00.000Z' },
        currencies: [
          {
            ...totals,
            currency: 'usd',
            count: 2,
            grossCents: 3000,
            refundedCents: 500,
            netCents: 1000,
          },
          { ...totals, currency: 'eur', netCents: 1500 },
        ].sort((a, b) => a.currency.localeCompare(b.currency)),
        byDay: [
          {
            ...totals,
            day: '2026-04-01',
            currency: 'usd',
            count: 2,
            grossCents: 3000,
            refundedCents: 500,
            netCents: 1000,
          },
          { ...totals, day: '2026-04-02', currency: 'eur', netCents: 1500 },
        ],
      },
    });
  });
});

describe('GET /api/organizations/:orgId/sales.csv', () => {
  it('answers the filtered rows as an attachment, escaping titles and defusing formulas', async () => {
    const { organizationId, rows } = await seedOrganization([
      { createdAt: '2026-05-01T00:00:00Z', title: 'Bread, "the good kind"\nvol. 2' },
      { createdAt: '2026-05-02T00:00:00Z', title: '=HYPERLINK("x")' },
      { createdAt: '2026-05-03T00:00:00Z', status: 'failed' },
    ]);
    const response = await getAs(
      await staffOf(organizationId, 'member'),
      `/api/organizations/${organizationId}/sales.csv?status=completed`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('Content-Disposition')).toBe(
      `attachment; filename="sales-${organizationId}.csv"`,
    );
    expect(response.headers.get('Cache-Control')).toBe('private, no-store');
    const text = await response.text();
    expect(text).toBe(
      [
        'purchaseId,contentId,contentTitle,amountCents,currency,amountRefundedCents,disputeStatus,status,hasAccess,customerId,createdAt,purchasedAt,refundedAt',
        `${rows[1]?.purchaseId},${rows[1]?.contentId},"'=HYPERLINK(""x"")",1500,usd,0,,completed,true,${rows[1]?.customerId},2026-05-02T00:00:00.000Z,2026-05-02T00:00:00.000Z,`,
        `${rows[0]?.purchaseId},${rows[0]?.contentId},"Bread, ""the good kind""\nvol. 2",1500,usd,0,,completed,true,${rows[0]?.customerId},2026-05-01T00:00:00.000Z,2026-05-01T00:00:00.000Z,`,
        '',
      ].join('\r\n'),
    );
  });

  it('answers only the header for an organization without sales', async () => {
    const { organizationId } = await seedOrganization([]);
    const response = await getAs(
      await staffOf(organizationId, 'member'),
      `/api/organizations/${organizationId}/sales.csv`,
    );
    expect((await response.text()).split('\r\n')).toHaveLength(2);
  });
});

describe('salesQuerySchema', () => {
  it('reads the filters: a buyer status, a content id, ISO dates or date-times', () => {
    const parsed = salesQuerySchema.parse({
      status: 'partially_refunded',
      contentId: '6F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9',
      from: '2026-01-01',
      to: '2026-02-01T10:00:00+02:00',
      limit: '50',
    });
    expect(parsed).toEqual({
      status: 'partially_refunded',
      contentId: '6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9',
      from: new Date('2026-01-01T00:00:00Z'),
      to: new Date('2026-02-01T08:00:00Z'),
      limit: 50,
    });
  });

  it.each([
    [{ status: 'shipped' }, 'status'],
    [{ from: '2026-13-01' }, 'from'],
    [{ to: 'yesterday' }, 'to'],
    [{ from: '2026-01-01T10:00:00' }, 'from'],
    [{ from: '2026-02-01', to: '2026-01-01' }, 'from'],
    [{ contentId: 'nope' }, 'contentId'],
  ])('refuses %j (issue on %s)', (query, path) => {
    const result = salesQuerySchema.safeParse(query);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });

  it('the export and the summary refuse `from` after `to` too', () => {
    const reversed = { from: '2026-02-01', to: '2026-01-01' };
    expect(salesExportQuerySchema.safeParse(reversed).success).toBe(false);
    expect(salesSummaryQuerySchema.safeParse(reversed).success).toBe(false);
    expect(
      salesSummaryQuerySchema.safeParse({ from: '2026-01-01', to: '2026-01-01' }).success,
    ).toBe(true);
  });
});
