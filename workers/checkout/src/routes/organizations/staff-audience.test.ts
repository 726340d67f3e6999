import type { ErrorBody } from '@codex/security';
import { createTestOrganization, createTestUser } from '@codex/test-utils/factories';
import {
  generateSigningKey,
  publishJwks,
  type SigningAlgorithm,
  type SigningKey,
  signWithKey,
} from '@codex/test-utils/signing-keys';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  addMember,
  authorizationFor,
  callWorker,
  testEnv,
  withTestDatabase,
} from '../../testing/test-support';

// Staff power comes only with the staff audience (issue 21, decision 022): the storefront's buyer
// token, however it is signed and whoever it names (even an owner), is refused on the organization routes,
// with the same 401 as any invalid token. Run in the Workers runtime, the JWKS fetched over HTTP
// from the stand-in the global setup started.

const ISSUER = 'https://identity.codex.test/';
const BUYER_AUDIENCE = 'https://api.codex.test';
let jwksCount = 0;

/** The staff member of every organization below (an owner row: roles live in the database). */
const STAFF_USER = 'user_staff';

async function newOrganizationId(): Promise<string> {
  const organizationId = await withTestDatabase(
    async (db) => (await createTestOrganization(db)).id,
  );
  // The buyer tokens below are the same people: their refusal is the audience's, not a role's.
  for (const user of [STAFF_USER, 'user_buyer', 'user_42']) {
    await addMember(organizationId, user, 'owner');
  }
  return organizationId;
}

function salesPath(organizationId: string): string {
  return `/api/organizations/${organizationId}/sales`;
}

function refundPath(organizationId: string): string {
  return `/api/organizations/${organizationId}/purchases/${crypto.randomUUID()}/refunds`;
}

async function refundAs(organizationId: string, headers: Record<string, string>, overrides = {}) {
  return callWorker(
    refundPath(organizationId),
    {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Idempotency-Key': crypto.randomUUID(),
        ...headers,
      },
      body: JSON.stringify({ amountCents: 100, reason: 'requested_by_customer' }),
    },
    overrides,
  );
}

async function expectUnauthorized(response: Response): Promise<void> {
  expect(response.status).toBe(401);
  expect(response.headers.get('WWW-Authenticate')).toBe('Bearer');
  expect(((await response.json()) as ErrorBody).error).toMatchObject({
    code: 'UNAUTHORIZED',
    message: 'Missing or invalid credentials',
  });
}

describe('the organization routes with HS256 tokens (pnpm dev and tests)', () => {
  it("refuse a buyer token (no staff audience) even for an organization's owner; the staff token reads", async () => {
    const organizationId = await newOrganizationId();
    const buyerToken = await authorizationFor('user_buyer', { audience: null });
    const staffToken = await authorizationFor(STAFF_USER, { staff: true });

    await expectUnauthorized(await callWorker(salesPath(organizationId), { headers: buyerToken }));
    await expectUnauthorized(await refundAs(organizationId, buyerToken));
    const read = await callWorker(salesPath(organizationId), { headers: staffToken });
    expect(read.status).toBe(200);
  });

  it('refuse a token for another audience, and a staff token still works on the buyer routes', async () => {
    const organizationId = await newOrganizationId();
    const other = await authorizationFor(STAFF_USER, { audience: BUYER_AUDIENCE });
    const staff = await authorizationFor(STAFF_USER, { staff: true });

    await expectUnauthorized(await callWorker(salesPath(organizationId), { headers: other }));
    expect((await callWorker('/api/purchases', { headers: staff })).status).toBe(200);
  });

  it('without AUTH_STAFF_AUDIENCE refuse every staff request (500), while the buyer routes answer', async () => {
    const organizationId = await newOrganizationId();
    const unset = { AUTH_STAFF_AUDIENCE: undefined };
    const staff = await authorizationFor(STAFF_USER, { staff: true });
    const noAudience = await authorizationFor(STAFF_USER, { audience: null });

    for (const headers of [staff, noAudience]) {
      const read = await callWorker(salesPath(organizationId), { headers }, unset);
      expect(read.status).toBe(500);
      expect(((await read.json()) as ErrorBody).error.code).toBe('INTERNAL_ERROR');
    }
    expect((await callWorker('/api/purchases', { headers: staff }, unset)).status).toBe(200);
  });
});

describe('tokens from an identity provider (JWKS)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A JWKS of the test's own, and the bindings of a worker that trusts only it. */
  async function provider(keys: SigningKey[]) {
    jwksCount += 1;
    const name = `checkout-${jwksCount}-${crypto.randomUUID()}`;
    await publishJwks(testEnv.JWKS_STAND_IN_BASE, name, keys);
    return {
      publish: (next: SigningKey[]) => publishJwks(testEnv.JWKS_STAND_IN_BASE, name, next),
      bindings: {
        AUTH_JWT_SECRET: undefined,
        AUTH_JWKS_URL: `${testEnv.JWKS_STAND_IN_BASE}/jwks/${name}`,
        AUTH_ISSUER: ISSUER,
        AUTH_AUDIENCE: BUYER_AUDIENCE,
      },
    };
  }

  async function bearer(key: SigningKey, claims: Record<string, unknown>) {
    const now = Math.floor(Date.now() / 1000);
    const token = await signWithKey(key, {
      sub: 'user_42',
      iss: ISSUER,
      iat: now,
      exp: now + 300,
      ...claims,
    });
    return { Authorization: `Bearer ${token}` };
  }

  it.each(['RS256', 'ES256', 'EdDSA'] satisfies SigningAlgorithm[])(
    'a %s staff token reads sales; the buyer token of the same provider is refused there',
    async (alg) => {
      const key = await generateSigningKey(alg, `${alg}-key`);
      const { bindings } = await provider([key]);
      const organizationId = await newOrganizationId();
      const staff = await bearer(key, { aud: testEnv.AUTH_STAFF_AUDIENCE });
      const buyer = await bearer(key, { aud: BUYER_AUDIENCE });

      const read = await callWorker(salesPath(organizationId), { headers: staff }, bindings);
      expect(read.status).toBe(200);
      await expectUnauthorized(
        await callWorker(salesPath(organizationId), { headers: buyer }, bindings),
      );
      await expectUnauthorized(await refundAs(organizationId, buyer, bindings));
      const buyerRoute = await callWorker('/api/purchases', { headers: buyer }, bindings);
      expect(buyerRoute.status).toBe(200);
    },
  );

  it('refuses a wrong issuer, an HS256 token and a buyer route token without the buyer audience', async () => {
    const key = await generateSigningKey('ES256', 'es');
    const { bindings } = await provider([key]);
    const hs256 = await authorizationFor(createTestUser());

    await expectUnauthorized(
      await callWorker(
        '/api/purchases',
        { headers: await bearer(key, { aud: BUYER_AUDIENCE, iss: 'x' }) },
        bindings,
      ),
    );
    await expectUnauthorized(await callWorker('/api/purchases', { headers: hs256 }, bindings));
    await expectUnauthorized(
      await callWorker(
        '/api/purchases',
        { headers: await bearer(key, { aud: 'elsewhere' }) },
        bindings,
      ),
    );
  });

  it('refuses a rotated-out key once the provider has published the next set', async () => {
    const [old, current, next] = await Promise.all([
      generateSigningKey('RS256', 'old'),
      generateSigningKey('RS256', 'current'),
      generateSigningKey('RS256', 'next'),
    ]);
    const { bindings, publish } = await provider([old, current]);
    const call = async (key: SigningKey) =>
      (
        await callWorker(
          '/api/purchases',
          { headers: await bearer(key, { aud: BUYER_AUDIENCE }) },
          bindings,
        )
      ).status;
    expect(await call(old)).toBe(200);

    await publish([current, next]);
    // Past the refetch interval (only the clock is faked: the fetch is real), a token signed by
    // the new key makes the worker fetch the set again, which no longer holds the old key.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31_000);

    expect(await call(next)).toBe(200);
    expect(await call(old)).toBe(401);
    expect(await call(current)).toBe(200);
  });
});
