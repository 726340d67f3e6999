import { contentPurchases, eq, type OrganizationMemberRole } from '@codex/database';
import type { ErrorBody } from '@codex/security';
import { createTestContent, createTestOrganization } from '@codex/test-utils/factories';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { countRoundTrips } from '../../testing/count-round-trips';
import { seedOrganization } from '../../testing/seed-organization-sales';
import {
  addMember,
  addOperator,
  authorizationFor,
  callWorker,
  removeMember,
  withTestDatabase,
} from '../../testing/test-support';
import { EARNINGS_CSV_HEADER } from './export-earnings';

// The payout routes through the worker (issue 22, decision 026): who may call them (a row of
// organization_members read in each route's own statement: `read_earnings` for owner, admin and
// operator, `manage_payouts` for owner and operator), the answers, and onboarding against the
// local Stripe's Connect endpoints. What the ledger computes is proven in @codex/purchases
// (src/payouts/) and the payout rules' agreement test in @codex/database.

type Headers = { Authorization: string };

const READS = ['payouts', 'earnings', 'earnings/summary', 'earnings/export'] as const;

/** A new staff user with `role` in the organization, and their staff token. */
async function staffOf(organizationId: string, role: OrganizationMemberRole): Promise<Headers> {
  const user = `auth0|payouts-${crypto.randomUUID()}`;
  await addMember(organizationId, user, role);
  return authorizationFor(user, { staff: true });
}

function read(organizationId: string, endpoint: string, headers?: Headers) {
  return callWorker(`/api/organizations/${organizationId}/${endpoint}`, { headers });
}

function onboard(organizationId: string, headers?: Headers) {
  return callWorker(`/api/organizations/${organizationId}/payouts/onboarding`, {
    method: 'POST',
    headers,
  });
}

async function errorOf(response: Response) {
  return { status: response.status, code: ((await response.json()) as ErrorBody).error.code };
}

/** Every route, as a function of the caller's headers. */
function everyRoute(organizationId: string) {
  return [
    ...READS.map((endpoint) => ({
      name: `GET …/${endpoint}`,
      call: (headers?: Headers) => read(organizationId, endpoint, headers),
    })),
    {
      name: 'POST …/payouts/onboarding',
      call: (headers?: Headers) => onboard(organizationId, headers),
    },
  ];
}

/**
 * An organization with two sales payouts apply to (one with tax, in usd; one with a fixed fee
 * part, in eur, newer) and a sale from before payouts (no fee terms), which the ledger leaves out.
 */
function organizationWithEarnings() {
  return seedOrganization([
    {
      createdAt: '2026-10-01T10:00:00Z',
      payout: { chargedCents: 1650, taxCents: 150, basisPoints: 1000, fixedCents: 0 },
    },
    {
      createdAt: '2026-10-02T10:00:00Z',
      currency: 'eur',
      payout: { chargedCents: 2000, basisPoints: 500, fixedCents: 30 },
    },
    { createdAt: '2026-10-03T10:00:00Z' },
  ]);
}

/** What `run` answers, and the SQL-over-HTTP statements and Stripe API calls made meanwhile. */
afterEach(() => {
  vi.restoreAllMocks();
});

describe('who may call the payout routes', () => {
  it('refuses without a token and with the buyer token (no staff audience): 401', async () => {
    const { organizationId } = await organizationWithEarnings();
    const owner = `auth0|payouts-${crypto.randomUUID()}`;
    await addMember(organizationId, owner, 'owner');
    const buyerToken = await authorizationFor(owner, { audience: null });
    for (const route of everyRoute(organizationId)) {
      expect(await errorOf(await route.call()), route.name).toEqual({
        status: 401,
        code: 'UNAUTHORIZED',
      });
      expect(await errorOf(await route.call(buyerToken)), route.name).toEqual({
        status: 401,
        code: 'UNAUTHORIZED',
      });
    }
  });

  it('answers a non-member 404 like an unknown organization, and a member 403 on every route', async () => {
    const { organizationId } = await organizationWithEarnings();
    const other = await organizationWithEarnings();
    const outsider = await staffOf(other.organizationId, 'owner');
    const member = await staffOf(organizationId, 'member');
    for (const route of everyRoute(organizationId)) {
      expect(await errorOf(await route.call(outsider)), route.name).toEqual({
        status: 404,
        code: 'NOT_FOUND',
      });
      expect(await errorOf(await route.call(member)), route.name).toEqual({
        status: 403,
        code: 'FORBIDDEN',
      });
    }
    const unknown = await read(crypto.randomUUID(), 'earnings', outsider);
    expect(await errorOf(unknown)).toEqual({ status: 404, code: 'NOT_FOUND' });
  });

  it('lets an admin, the owner and an operator read, with private, no-store answers; an admin may not onboard', async () => {
    const { organizationId } = await organizationWithEarnings();
    const operator = `auth0|operator-${crypto.randomUUID()}`;
    await addOperator(operator);
    const readers = {
      admin: await staffOf(organizationId, 'admin'),
      owner: await staffOf(organizationId, 'owner'),
      operator: await authorizationFor(operator, { staff: true }),
    };
    for (const [role, headers] of Object.entries(readers)) {
      for (const endpoint of READS) {
        const response = await read(organizationId, endpoint, headers);
        expect(response.status, `${role} ${endpoint}`).toBe(200);
        expect(response.headers.get('Cache-Control')).toBe('private, no-store');
        await response.body?.cancel();
      }
    }
    const adminOnboarding = await onboard(organizationId, readers.admin);
    expect(await errorOf(adminOnboarding)).toEqual({ status: 403, code: 'FORBIDDEN' });
  });

  it('refuses an admin removed from the table on the next request, with the same token', async () => {
    const { organizationId } = await organizationWithEarnings();
    const user = `auth0|payouts-${crypto.randomUUID()}`;
    const token = await authorizationFor(user, { staff: true });
    await addMember(organizationId, user, 'admin');
    expect((await read(organizationId, 'earnings', token)).status).toBe(200);
    await removeMember(organizationId, user);
    for (const endpoint of READS) {
      const response = await read(organizationId, endpoint, token);
      expect(await errorOf(response), endpoint).toEqual({ status: 404, code: 'NOT_FOUND' });
    }
  });

  it('refuses a malformed organization id, cursor or limit with 400 before any role is read', async () => {
    const { organizationId } = await organizationWithEarnings();
    const owner = await staffOf(organizationId, 'owner');
    expect(await errorOf(await read('not-a-uuid', 'payouts', owner))).toEqual({
      status: 400,
      code: 'VALIDATION_ERROR',
    });
    expect(await errorOf(await onboard('not-a-uuid', owner))).toEqual({
      status: 400,
      code: 'VALIDATION_ERROR',
    });
    expect(await errorOf(await read(organizationId, 'earnings?cursor=bm9wZQ', owner))).toEqual({
      status: 400,
      code: 'INVALID_CURSOR',
    });
    expect(await errorOf(await read(organizationId, 'earnings?limit=0', owner))).toEqual({
      status: 400,
      code: 'VALIDATION_ERROR',
    });
  });
});

describe('GET /api/organizations/:orgId/payouts', () => {
  it('shows no account before onboarding, and the platform fee the deployment configures', async () => {
    const { organizationId } = await organizationWithEarnings();
    const owner = await staffOf(organizationId, 'owner');

    const response = await read(organizationId, 'payouts', owner);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      data: {
        stripeAccountId: null,
        transfersActive: false,
        payoutsEnabled: false,
        detailsSubmitted: false,
        requirementsDue: [],
        disabledReason: null,
        syncedAt: null,
        platformFee: { basisPoints: 1000, fixedCents: 0, source: 'platform' },
      },
    });
    const configured = await callWorker(
      `/api/organizations/${organizationId}/payouts`,
      { headers: owner },
      { PLATFORM_FEE_BASIS_POINTS: '750', PLATFORM_FEE_FIXED_CENTS: '25' },
    );
    const { data } = (await configured.json()) as { data: { platformFee: unknown } };
    expect(data.platformFee).toEqual({ basisPoints: 750, fixedCents: 25, source: 'platform' });
  });
});

describe('GET /api/organizations/:orgId/earnings', () => {
  it('lists the sales payouts apply to, newest first, with how each splits; pages with its cursor', async () => {
    const { organizationId, rows } = await organizationWithEarnings();
    const admin = await staffOf(organizationId, 'admin');

    const response = await read(organizationId, 'earnings', admin);

    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: unknown[]; nextCursor: string | null };
    expect(body.nextCursor).toBeNull();
    expect(body.data).toEqual([
      {
        purchaseId: rows[1]?.purchaseId,
        contentId: rows[1]?.contentId,
        createdAt: '2026-10-02T10:00:00.000Z',
        purchasedAt: '2026-10-02T10:00:00.000Z',
        currency: 'eur',
        chargedCents: 2000,
        taxCents: 0,
        refundedCents: 0,
        stripeFeeCents: null,
        platformFeeCents: 130, // 5 % of 2,000 + 30
        shareCents: 1870,
        dueCents: 1870,
        transferredCents: 0,
        reversedCents: 0,
        transferId: null,
        disputeStatus: null,
        status: 'awaiting_account',
      },
      expect.objectContaining({
        purchaseId: rows[0]?.purchaseId,
        currency: 'usd',
        chargedCents: 1650,
        taxCents: 150,
        platformFeeCents: 150, // 10 % of 1,650 − 150 tax
        shareCents: 1350,
        dueCents: 1350,
        status: 'awaiting_account',
      }),
    ]);

    const first = await read(organizationId, 'earnings?limit=1', admin);
    const firstPage = (await first.json()) as {
      data: Array<{ purchaseId: string }>;
      nextCursor: string;
    };
    expect(firstPage.data.map((line) => line.purchaseId)).toEqual([rows[1]?.purchaseId]);
    const next = await read(
      organizationId,
      `earnings?limit=1&cursor=${encodeURIComponent(firstPage.nextCursor)}`,
      admin,
    );
    const nextPage = (await next.json()) as {
      data: Array<{ purchaseId: string }>;
      nextCursor: null;
    };
    expect(nextPage).toEqual({
      data: [expect.objectContaining({ purchaseId: rows[0]?.purchaseId })],
      nextCursor: null,
    });
  });
});

describe('GET /api/organizations/:orgId/earnings/summary', () => {
  it('sums the ledger per currency', async () => {
    const { organizationId } = await organizationWithEarnings();

    const response = await read(
      organizationId,
      'earnings/summary',
      await staffOf(organizationId, 'owner'),
    );

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      data: {
        currencies: [
          {
            currency: 'eur',
            sales: 1,
            chargedCents: 2000,
            taxCents: 0,
            refundedCents: 0,
            stripeFeeCents: 0,
            feesKnown: 0,
            platformFeeCents: 130,
            shareCents: 1870,
            dueCents: 1870,
            transferredCents: 0,
            reversedCents: 0,
            owedCents: 1870,
            toReverseCents: 0,
          },
          expect.objectContaining({ currency: 'usd', sales: 1, shareCents: 1350, owedCents: 1350 }),
        ],
      },
    });
  });
});

describe('GET /api/organizations/:orgId/earnings/export', () => {
  it('streams the ledger as CSV: the header, then one line per sale', async () => {
    const { organizationId, rows } = await organizationWithEarnings();

    const response = await read(
      organizationId,
      'earnings/export',
      await staffOf(organizationId, 'admin'),
    );

    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('Content-Disposition')).toBe(
      `attachment; filename="earnings-${organizationId}.csv"`,
    );
    const lines = (await response.text()).split('\r\n');
    expect(`${lines[0]}\r\n`).toBe(EARNINGS_CSV_HEADER);
    expect(lines[0]).toBe(
      'purchase_id,content_id,created_at,purchased_at,currency,charged_cents,tax_cents,refunded_cents,stripe_fee_cents,platform_fee_cents,share_cents,due_cents,transferred_cents,reversed_cents,transfer_id,dispute_status,status',
    );
    expect(lines.slice(1)).toEqual([
      `${rows[1]?.purchaseId},${rows[1]?.contentId},2026-10-02T10:00:00.000Z,2026-10-02T10:00:00.000Z,eur,2000,0,0,,130,1870,1870,0,0,,,awaiting_account`,
      `${rows[0]?.purchaseId},${rows[0]?.contentId},2026-10-01T10:00:00.000Z,2026-10-01T10:00:00.000Z,usd,1650,150,0,,150,1350,1350,0,0,,,awaiting_account`,
      '',
    ]);
  });
});

describe('round trips', () => {
  it('each read is one database statement and no Stripe call', async () => {
    const { organizationId } = await organizationWithEarnings();
    const owner = await staffOf(organizationId, 'owner');
    for (const endpoint of READS) {
      const { seen } = await countRoundTrips(async () => {
        const response = await read(organizationId, endpoint, owner);
        expect(response.status).toBe(200);
        await response.text();
      });
      expect(seen, endpoint).toEqual({ statements: 1, stripe: [] });
    }
  });
});

describe('POST /api/organizations/:orgId/payouts/onboarding', () => {
  it('creates the connected account once and answers a fresh link each time', async () => {
    const { organizationId } = await organizationWithEarnings();
    const owner = await staffOf(organizationId, 'owner');

    const { result: first, seen: firstTrips } = await countRoundTrips(() =>
      onboard(organizationId, owner),
    );
    expect(first.status).toBe(200);
    expect(first.headers.get('Cache-Control')).toBe('private, no-store');
    const { data } = (await first.json()) as {
      data: { url: string; expiresAt: string; stripeAccountId: string };
    };
    expect(data.url).not.toBe('');
    expect(data.stripeAccountId).toMatch(/^acct_/);
    expect(new Date(data.expiresAt).getTime()).toBeGreaterThan(Date.now());
    // The role and the account read, then the new account stored; Stripe: the account, the link.
    expect(firstTrips).toEqual({ statements: 2, stripe: ['/v1/accounts', '/v1/account_links'] });

    const { result: second, seen: laterTrips } = await countRoundTrips(() =>
      onboard(organizationId, owner),
    );
    const again = ((await second.json()) as { data: typeof data }).data;
    expect(again.stripeAccountId).toBe(data.stripeAccountId);
    expect(again.url).not.toBe(data.url);
    expect(laterTrips).toEqual({ statements: 1, stripe: ['/v1/account_links'] });

    const status = await read(organizationId, 'payouts', owner);
    const { data: payouts } = (await status.json()) as { data: Record<string, unknown> };
    expect(payouts).toMatchObject({
      stripeAccountId: data.stripeAccountId,
      syncedAt: expect.any(String),
    });
  });

  it('lets a platform operator onboard the organization', async () => {
    const { organizationId } = await organizationWithEarnings();
    const operator = `auth0|operator-${crypto.randomUUID()}`;
    await addOperator(operator);

    const response = await onboard(
      organizationId,
      await authorizationFor(operator, { staff: true }),
    );

    expect(response.status).toBe(200);
  });
});

describe('the platform fee checkout records', () => {
  it('is the deployment’s PLATFORM_FEE_* on a new paid checkout', async () => {
    const item = await withTestDatabase(async (db) => {
      const organization = await createTestOrganization(db);
      return createTestContent(db, { organizationId: organization.id, priceCents: 1500 });
    });

    const response = await callWorker(
      '/api/checkout',
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(await authorizationFor(`buyer-${crypto.randomUUID()}`)),
        },
        body: JSON.stringify({ contentId: item.id }),
      },
      { PLATFORM_FEE_BASIS_POINTS: '820', PLATFORM_FEE_FIXED_CENTS: '15' },
    );

    expect(response.status).toBe(201);
    const { data } = (await response.json()) as { data: { purchaseId: string } };
    const [terms] = await withTestDatabase((db) =>
      db
        .select({
          basisPoints: contentPurchases.platformFeeBasisPoints,
          fixedCents: contentPurchases.platformFeeFixedCents,
        })
        .from(contentPurchases)
        .where(eq(contentPurchases.id, data.purchaseId)),
    );
    expect(terms).toEqual({ basisPoints: 820, fixedCents: 15 });
  });
});
