import { contentPurchases } from '@codex/database';
import { createPlaybackGrantSigner, createPlaybackGrantVerifier } from '@codex/playback-grants';
import type { ErrorBody } from '@codex/security';
import {
  createTestContent,
  createTestOrganization,
  createTestUser,
} from '@codex/test-utils/factories';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { countRoundTrips } from '../../testing/count-round-trips';
import {
  TEST_ONLY_PLAYBACK_GRANT_CURRENT_KEY as CURRENT,
  TEST_ONLY_PLAYBACK_GRANT_NEXT_KEY as NEXT,
} from '../../testing/test-playback-grant-keys';
import { authorizationFor, callWorker, withTestDatabase } from '../../testing/test-support';

// The grant route of issue 23: the access check's question, answered with a signed grant that
// verifies, with the package's verifier, over the key set this worker publishes.

type Bindings = Record<string, string | undefined>;
type GrantAnswer = {
  data: { grant: string; expiresAt: string; expiresInSeconds: number; contentId: string };
};

const KEYS_PATH = '/.well-known/playback-grant-keys.json';

interface PurchaseOptions {
  status?: 'pending' | 'completed' | 'failed';
  refunded?: boolean;
  disputeStatus?: 'open' | 'won' | 'lost';
}

async function createPurchase(options: PurchaseOptions = {}) {
  const { status = 'completed', refunded = false, disputeStatus } = options;
  return withTestDatabase(async (db) => {
    const organization = await createTestOrganization(db);
    const item = await createTestContent(db, { organizationId: organization.id });
    const customerId = createTestUser();
    await db.insert(contentPurchases).values({
      customerId,
      contentId: item.id,
      organizationId: organization.id,
      pricePaidCents: item.priceCents,
      currency: item.currency,
      status,
      purchasedAt: status === 'completed' ? new Date() : null,
      refundedAt: refunded ? new Date() : null,
      ...(disputeStatus === undefined ? {} : { disputeStatus, disputeUpdatedAt: new Date() }),
    });
    return { customerId, contentId: item.id };
  });
}

async function askGrant(customerId: string, contentId: string, bindings: Bindings = {}) {
  return callWorker(
    `/api/purchases/access/${contentId}/grant`,
    { method: 'POST', headers: await authorizationFor(customerId) },
    bindings,
  );
}

async function askAccess(customerId: string, contentId: string) {
  const response = await callWorker(`/api/purchases/access/${contentId}`, {
    headers: await authorizationFor(customerId),
  });
  return ((await response.json()) as { hasAccess: boolean }).hasAccess;
}

async function errorOf(response: Response) {
  return { status: response.status, code: ((await response.json()) as ErrorBody).error.code };
}

/** A verifier over the key set the worker publishes, fetched through the worker. */
async function publishedVerifier(bindings: Bindings = {}) {
  const response = await callWorker(KEYS_PATH, {}, bindings);
  expect(response.status).toBe(200);
  return createPlaybackGrantVerifier({ jwks: await response.json() });
}

const jwksOf = (...keys: Array<{ publicJwk: object }>) =>
  JSON.stringify({ keys: keys.map((key) => key.publicJwk) });

/** What `run` answers, and the SQL-over-HTTP statements and Stripe API calls made meanwhile. */
afterEach(() => {
  vi.restoreAllMocks();
});

describe('POST /api/purchases/access/:contentId/grant', () => {
  it('grants the buyer of a completed purchase a grant that verifies over the published keys', async () => {
    const { customerId, contentId } = await createPurchase();
    const before = Date.now();
    const response = await askGrant(customerId, contentId);

    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe('private, no-store');
    const { data } = (await response.json()) as GrantAnswer;
    expect(data.contentId).toBe(contentId);
    expect(data.expiresInSeconds).toBe(60);
    // The default lifetime, 60 s, from whole-second `iat`.
    const expiresAt = new Date(data.expiresAt).getTime();
    expect(expiresAt).toBeGreaterThan(before + 58_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 60_000);

    const verifier = await publishedVerifier();
    expect(await verifier.verify(data.grant, { contentId, customerId, now: new Date() })).toEqual({
      ok: true,
      customerId,
      contentId,
      expiresAt: new Date(data.expiresAt),
    });
  });

  it('binds the grant to that buyer and that content: refused for another of either', async () => {
    const { customerId, contentId } = await createPurchase();
    const other = await createPurchase();
    const { data } = (await (await askGrant(customerId, contentId)).json()) as GrantAnswer;
    const verifier = await publishedVerifier();
    const now = new Date();

    expect(
      await verifier.verify(data.grant, { contentId: other.contentId, customerId, now }),
    ).toEqual({ ok: false, reason: 'wrong_content' });
    expect(
      await verifier.verify(data.grant, { contentId, customerId: other.customerId, now }),
    ).toEqual({ ok: false, reason: 'wrong_customer' });
  });

  it('takes its lifetime from PLAYBACK_GRANT_LIFETIME_SECONDS', async () => {
    const { customerId, contentId } = await createPurchase();
    const response = await askGrant(customerId, contentId, {
      PLAYBACK_GRANT_LIFETIME_SECONDS: '15',
    });
    const { data } = (await response.json()) as GrantAnswer;
    expect(data.expiresInSeconds).toBe(15);
    const remaining = new Date(data.expiresAt).getTime() - Date.now();
    expect(remaining).toBeGreaterThan(13_000);
    expect(remaining).toBeLessThanOrEqual(15_000);
  });

  it.each<[string, PurchaseOptions | 'none' | 'no such content' | 'another buyer']>([
    ['no purchase', 'none'],
    ['no such content', 'no such content'],
    ["another buyer's purchase", 'another buyer'],
    ['a pending purchase', { status: 'pending' }],
    ['a failed purchase', { status: 'failed' }],
    ['a purchase refunded in full', { refunded: true }],
    ['a purchase under an open dispute', { disputeStatus: 'open' }],
    ['a purchase that lost its dispute', { disputeStatus: 'lost' }],
  ])('answers 403 NO_ACCESS where the access check says false: %s', async (_label, setup) => {
    let customerId = createTestUser();
    let contentId = crypto.randomUUID();
    if (setup === 'none') {
      contentId = (await createPurchase()).contentId;
    } else if (setup === 'another buyer') {
      contentId = (await createPurchase()).contentId;
    } else if (setup !== 'no such content') {
      ({ customerId, contentId } = await createPurchase(setup));
    }

    expect(await askAccess(customerId, contentId)).toBe(false);
    const response = await askGrant(customerId, contentId);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expect(await errorOf(response)).toEqual({ status: 403, code: 'NO_ACCESS' });
  });

  it('answers 401 UNAUTHORIZED without a token, and with a bad one', async () => {
    const { contentId } = await createPurchase();
    const path = `/api/purchases/access/${contentId}/grant`;
    const missing = await callWorker(path, { method: 'POST' });
    expect(await errorOf(missing)).toEqual({ status: 401, code: 'UNAUTHORIZED' });
    expect(missing.headers.get('WWW-Authenticate')).toBe('Bearer');
    const bad = await callWorker(path, {
      method: 'POST',
      headers: { Authorization: 'Bearer not.a.token' },
    });
    expect(await errorOf(bad)).toEqual({ status: 401, code: 'UNAUTHORIZED' });
  });

  it('answers 400 VALIDATION_ERROR for a malformed content id', async () => {
    expect(await errorOf(await askGrant(createTestUser(), 'not-a-uuid'))).toEqual({
      status: 400,
      code: 'VALIDATION_ERROR',
    });
  });

  it('answers 503 PLAYBACK_GRANTS_NOT_CONFIGURED without a signing key, reading nothing', async () => {
    const { customerId, contentId } = await createPurchase();
    const { result, seen } = await countRoundTrips(() =>
      askGrant(customerId, contentId, { PLAYBACK_GRANT_SIGNING_KEY: '' }),
    );
    expect(await errorOf(result)).toEqual({ status: 503, code: 'PLAYBACK_GRANTS_NOT_CONFIGURED' });
    expect(seen).toEqual({ statements: 0, stripe: [] });
  });

  it('costs one database round trip (the access statement) and no Stripe call', async () => {
    const { customerId, contentId } = await createPurchase();
    // Warm: the first grant of an isolate also imports the key, which is not a round trip either.
    await askGrant(customerId, contentId);
    const { result, seen } = await countRoundTrips(async () => {
      const response = await askGrant(customerId, contentId);
      expect(response.status).toBe(200);
      return response.json();
    });
    expect(result).toMatchObject({ data: { contentId } });
    expect(seen).toEqual({ statements: 1, stripe: [] });
  });
});

describe('rotation', () => {
  const bothPublished = { PLAYBACK_GRANT_PUBLIC_KEYS: jwksOf(CURRENT, NEXT) };

  it('with two keys published, grants signed by either verify over the published set', async () => {
    const { customerId, contentId } = await createPurchase();
    const verifier = await publishedVerifier(bothPublished);
    const now = new Date();

    for (const key of [CURRENT, NEXT]) {
      const response = await askGrant(customerId, contentId, {
        ...bothPublished,
        PLAYBACK_GRANT_SIGNING_KEY: JSON.stringify(key.privateJwk),
      });
      expect(response.status, key.privateJwk.kid).toBe(200);
      const { data } = (await response.json()) as GrantAnswer;
      const header = JSON.parse(atob(data.grant.split('.')[0] ?? '')) as { kid: string };
      expect(header.kid).toBe(key.privateJwk.kid);
      expect(await verifier.verify(data.grant, { contentId, customerId, now })).toMatchObject({
        ok: true,
      });
    }
  });

  it('refuses a grant of a key the worker no longer publishes (retired)', async () => {
    const { customerId, contentId } = await createPurchase();
    const retired = createPlaybackGrantSigner({ privateJwk: NEXT.privateJwk });
    const { grant } = await retired.sign({ customerId, contentId, now: new Date() });
    const verifier = await publishedVerifier();
    expect(await verifier.verify(grant, { contentId, customerId, now: new Date() })).toEqual({
      ok: false,
      reason: 'unknown_key',
    });
  });
});

describe('GET /.well-known/playback-grant-keys.json', () => {
  it('publishes the public keys only, without a token, cacheable for five minutes, reading nothing', async () => {
    const { result, seen } = await countRoundTrips(() =>
      callWorker(KEYS_PATH, {}, { PLAYBACK_GRANT_PUBLIC_KEYS: jwksOf(CURRENT, NEXT) }),
    );
    expect(result.status).toBe(200);
    expect(result.headers.get('Cache-Control')).toBe('public, max-age=300');
    expect(await result.json()).toEqual({ keys: [CURRENT.publicJwk, NEXT.publicJwk] });
    expect(seen).toEqual({ statements: 0, stripe: [] });
  });

  it('never publishes a private member, even if the configuration holds one (refused: 500)', async () => {
    const response = await callWorker(
      KEYS_PATH,
      {},
      { PLAYBACK_GRANT_PUBLIC_KEYS: JSON.stringify({ keys: [CURRENT.privateJwk] }) },
    );
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain(CURRENT.privateJwk.d);
  });

  it('answers 404 NOT_FOUND when the deployment publishes no keys', async () => {
    const response = await callWorker(
      KEYS_PATH,
      {},
      { PLAYBACK_GRANT_SIGNING_KEY: '', PLAYBACK_GRANT_PUBLIC_KEYS: '' },
    );
    expect(await errorOf(response)).toEqual({ status: 404, code: 'NOT_FOUND' });
  });
});
