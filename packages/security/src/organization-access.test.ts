import { ObservabilityClient } from '@codex/observability';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { buyerAuth, MAX_TOKEN_ORGANIZATIONS } from './buyer-auth';
import { createErrorHandler } from './create-error-handler';
import type { ErrorBody } from './error-response';
import {
  can,
  type OrganizationAction,
  type OrganizationRole,
  type OrganizationRoles,
  organizationRoles,
  requireOrganizationRole,
} from './organization-access';
import { requestId } from './request-id';
import { signBuyerToken } from './sign-buyer-token';

const SECRET = 'test-secret-that-is-long-enough-for-hs256';
const ORG = '0d9a6c1e-5b4f-4e1a-9c3d-2f7e8a1b6c40';
const OTHER_ORG = '7b2e4f60-1c8d-4a3b-8e5f-9d0c1a2b3c4d';

function buildApp() {
  const logger = new ObservabilityClient('test', 'test', { write: () => {} });
  const app = new Hono<{
    Variables: {
      customerId: string;
      customerEmail: string | undefined;
      organizationRoles: OrganizationRoles;
      requestId: string;
    };
  }>();
  app.use(requestId());
  app.onError(createErrorHandler({ logger: () => logger }));
  app.use('*', buyerAuth({ secret: SECRET }));
  app.get('/roles', (c) => c.json({ ...c.var.organizationRoles }));
  app.get('/orgs/:orgId/sales', requireOrganizationRole('read_sales'), (c) => c.text('sales'));
  app.post('/orgs/:orgId/refunds', requireOrganizationRole('refund'), (c) => c.text('refund'));
  return app;
}

async function call(path: string, orgs: unknown, method = 'GET'): Promise<Response> {
  // `orgs` as any JSON (signBuyerToken's type is the well-formed case).
  const token = await signBuyerToken({
    secret: SECRET,
    customerId: 'auth0|staff-1',
    orgs: orgs as Record<string, string>,
  });
  return buildApp().request(path, { method, headers: { Authorization: `Bearer ${token}` } });
}

describe('can: the one policy', () => {
  const expected: Record<OrganizationAction, OrganizationRole[]> = {
    read_sales: ['member', 'admin', 'owner'],
    refund: ['admin', 'owner'],
    review: ['admin', 'owner'],
  };
  for (const [action, allowed] of Object.entries(expected) as [
    OrganizationAction,
    OrganizationRole[],
  ][]) {
    for (const role of organizationRoles) {
      it(`${role} ${allowed.includes(role) ? 'may' : 'may not'} ${action}`, () => {
        expect(can(role, action)).toBe(allowed.includes(role));
      });
    }
    it(`no role may not ${action}`, () => {
      expect(can(undefined, action)).toBe(false);
    });
  }
});

describe('buyerAuth: the orgs claim', () => {
  it('reads valid entries, lower-casing the organization id', async () => {
    const response = await call('/roles', { [ORG.toUpperCase()]: 'admin', [OTHER_ORG]: 'member' });
    expect(await response.json()).toEqual({ [ORG]: 'admin', [OTHER_ORG]: 'member' });
  });

  it('ignores entries with a non-UUID id or an unknown role, keeping the rest', async () => {
    const response = await call('/roles', {
      'not-a-uuid': 'owner',
      ['__proto__']: 'owner',
      [OTHER_ORG]: 'superuser',
      [ORG]: 'member',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ [ORG]: 'member' });
  });

  it.each([
    ['absent', undefined],
    ['a string', 'owner'],
    ['an array', [ORG]],
    ['null', null],
    ['a number', 7],
  ])('gives no roles, and still authenticates, when the claim is %s', async (_, orgs) => {
    const response = await call('/roles', orgs);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
  });

  it(`gives no roles for a claim naming more than ${MAX_TOKEN_ORGANIZATIONS} organizations`, async () => {
    const orgs: Record<string, string> = { [ORG]: 'owner' };
    for (let index = 0; index < MAX_TOKEN_ORGANIZATIONS; index++) {
      orgs[`00000000-0000-4000-8000-${String(index).padStart(12, '0')}`] = 'member';
    }
    const response = await call('/roles', orgs);
    expect(await response.json()).toEqual({});
  });
});

describe('requireOrganizationRole', () => {
  const cases: {
    name: string;
    orgs: unknown;
    sales: number;
    refund: number;
  }[] = [
    { name: 'member', orgs: { [ORG]: 'member' }, sales: 200, refund: 403 },
    { name: 'admin', orgs: { [ORG]: 'admin' }, sales: 200, refund: 200 },
    { name: 'owner', orgs: { [ORG]: 'owner' }, sales: 200, refund: 200 },
    { name: 'no orgs claim', orgs: undefined, sales: 404, refund: 404 },
    {
      name: 'owner of another organization',
      orgs: { [OTHER_ORG]: 'owner' },
      sales: 404,
      refund: 404,
    },
    { name: 'malformed orgs claim', orgs: [ORG, 'owner'], sales: 404, refund: 404 },
    { name: 'unknown role', orgs: { [ORG]: 'superuser' }, sales: 404, refund: 404 },
  ];
  for (const { name, orgs, sales, refund } of cases) {
    it(`${name}: read_sales ${sales}, refund ${refund}`, async () => {
      expect((await call(`/orgs/${ORG}/sales`, orgs)).status).toBe(sales);
      expect((await call(`/orgs/${ORG}/refunds`, orgs, 'POST')).status).toBe(refund);
    });
  }

  it('answers a role-less organization exactly like an unknown or malformed id', async () => {
    const bodies = await Promise.all(
      [`/orgs/${OTHER_ORG}/sales`, '/orgs/not-a-uuid/sales', '/orgs/__proto__/sales'].map(
        async (path) => {
          const response = await call(path, { [ORG]: 'owner' });
          const body = (await response.json()) as ErrorBody;
          return { status: response.status, code: body.error.code, message: body.error.message };
        },
      ),
    );
    for (const body of bodies) {
      expect(body).toEqual({ status: 404, code: 'NOT_FOUND', message: 'Organization not found' });
    }
  });

  it('accepts the organization id in upper case', async () => {
    expect((await call(`/orgs/${ORG.toUpperCase()}/sales`, { [ORG]: 'member' })).status).toBe(200);
  });

  it('answers a too-low role with 403 FORBIDDEN', async () => {
    const response = await call(`/orgs/${ORG}/refunds`, { [ORG]: 'member' }, 'POST');
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe('FORBIDDEN');
  });
});
