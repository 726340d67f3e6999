import { ObservabilityClient, redactionMarkers } from '@codex/observability';
import { type Context, Hono } from 'hono';
import { decode, sign } from 'hono/jwt';
import { describe, expect, it } from 'vitest';
import { type BuyerAuthOptions, buyerAuth } from './buyer-auth';
import { createErrorHandler } from './create-error-handler';
import type { ErrorBody } from './error-response';
import { requestId } from './request-id';
import { signBuyerToken } from './sign-buyer-token';

const SECRET = 'test-secret-that-is-long-enough-for-hs256';
const CUSTOMER_ID = 'auth0|customer-42';
const nowSeconds = () => Math.floor(Date.now() / 1000);

function base64Url(value: unknown): string {
  return btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** An HS256 token with any header and payload, for claims `sign` would not let through its types. */
async function signRaw(payload: Record<string, unknown>, secret = SECRET): Promise<string> {
  const signingInput = `${base64Url({ alg: 'HS256', typ: 'JWT' })}.${base64Url(payload)}`;
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const signature = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(signingInput));
  const encoded = btoa(String.fromCharCode(...new Uint8Array(signature)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
  return `${signingInput}.${encoded}`;
}

function buildApp(secret: BuyerAuthOptions['secret'] = SECRET) {
  const lines: string[] = [];
  const logger = new ObservabilityClient('test', 'test', { write: (line) => lines.push(line) });
  const app = new Hono<{
    Variables: { customerId: string; customerEmail: string | undefined; requestId: string };
  }>();
  app.use(requestId());
  app.onError(createErrorHandler({ logger: () => logger }));
  app.use('/me/*', buyerAuth({ secret }));
  app.get('/me/id', (c) => c.json({ customerId: c.get('customerId') }));
  app.get('/me/email', (c) => c.json({ email: c.get('customerEmail') ?? null }));
  app.get('/me/variables', (c) => c.json(Object.keys(c.var).sort()));
  app.get('/me/crash', () => {
    throw new Error('handler failed');
  });
  return { app, lines };
}

function withToken(token: string): RequestInit {
  return { headers: { Authorization: `Bearer ${token}` } };
}

async function expectUnauthorized(response: Response): Promise<void> {
  expect(response.status).toBe(401);
  expect(response.headers.get('WWW-Authenticate')).toBe('Bearer');
  const body = (await response.json()) as ErrorBody;
  expect(body.error.code).toBe('UNAUTHORIZED');
  expect(body.error.message).toBe('Missing or invalid credentials');
}

describe('buyerAuth', () => {
  it('accepts a valid HS256 token and exposes its sub as customerId', async () => {
    const token = await signBuyerToken({ secret: SECRET, customerId: CUSTOMER_ID });

    const response = await buildApp().app.request('/me/id', withToken(token));

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ customerId: CUSTOMER_ID });
  });

  it('accepts the scheme in any case', async () => {
    const token = await signBuyerToken({ secret: SECRET, customerId: CUSTOMER_ID });

    const response = await buildApp().app.request('/me/id', {
      headers: { Authorization: `bearer ${token}` },
    });

    expect(response.status).toBe(200);
  });

  it('reads the secret per request with the function form', async () => {
    const token = await signBuyerToken({ secret: 'per-request-secret', customerId: CUSTOMER_ID });
    const { app } = buildApp((c: Context) => (c.env as { JWT_SECRET: string }).JWT_SECRET);

    const good = await app.request('/me/id', withToken(token), {
      JWT_SECRET: 'per-request-secret',
    });
    const bad = await app.request('/me/id', withToken(token), { JWT_SECRET: SECRET });

    expect(good.status).toBe(200);
    await expectUnauthorized(bad);
  });

  describe('refuses with the same 401 for', () => {
    it('no Authorization header', async () => {
      await expectUnauthorized(await buildApp().app.request('/me/id'));
    });

    it.each([
      ['the Basic scheme', (token: string) => `Basic ${token}`],
      ['another scheme with a valid token', (token: string) => `Token ${token}`],
      ['no space after Bearer', (token: string) => `Bearer${token}`],
      ['an empty token', () => 'Bearer '],
      ['two tokens', (token: string) => `Bearer ${token} ${token}`],
      ['a token that is not a JWT', () => 'Bearer not-a-jwt'],
    ])('%s', async (_label, header) => {
      const token = await signBuyerToken({ secret: SECRET, customerId: CUSTOMER_ID });

      const response = await buildApp().app.request('/me/id', {
        headers: { Authorization: header(token) },
      });

      await expectUnauthorized(response);
    });

    it('a token signed with another secret', async () => {
      const token = await signBuyerToken({ secret: 'another-secret', customerId: CUSTOMER_ID });

      await expectUnauthorized(await buildApp().app.request('/me/id', withToken(token)));
    });

    it('an expired token', async () => {
      const twoHoursAgo = Date.now() - 2 * 3600 * 1000;
      const token = await signBuyerToken({
        secret: SECRET,
        customerId: CUSTOMER_ID,
        now: () => twoHoursAgo,
      });

      await expectUnauthorized(await buildApp().app.request('/me/id', withToken(token)));
    });

    it('a token without exp', async () => {
      const token = await sign({ sub: CUSTOMER_ID, iat: nowSeconds() }, SECRET, 'HS256');

      await expectUnauthorized(await buildApp().app.request('/me/id', withToken(token)));
    });

    it('a token whose exp is not a number', async () => {
      const token = await signRaw({ sub: CUSTOMER_ID, exp: '9999999999' });

      await expectUnauthorized(await buildApp().app.request('/me/id', withToken(token)));
    });

    it('a token that is not valid yet (nbf in the future)', async () => {
      const token = await sign(
        { sub: CUSTOMER_ID, nbf: nowSeconds() + 600, exp: nowSeconds() + 3600 },
        SECRET,
        'HS256',
      );

      await expectUnauthorized(await buildApp().app.request('/me/id', withToken(token)));
    });

    it('an unsigned token (alg none)', async () => {
      const token = `${base64Url({ alg: 'none', typ: 'JWT' })}.${base64Url({
        sub: CUSTOMER_ID,
        exp: nowSeconds() + 3600,
      })}.`;

      await expectUnauthorized(await buildApp().app.request('/me/id', withToken(token)));
    });

    it('a token whose HS256 header was swapped for alg none, signature kept', async () => {
      const valid = await signBuyerToken({ secret: SECRET, customerId: CUSTOMER_ID });
      const [, payload, signature] = valid.split('.');
      const token = `${base64Url({ alg: 'none', typ: 'JWT' })}.${payload}.${signature}`;

      await expectUnauthorized(await buildApp().app.request('/me/id', withToken(token)));
    });

    it('an RS256 token', async () => {
      const keys = await crypto.subtle.generateKey(
        {
          name: 'RSASSA-PKCS1-v1_5',
          modulusLength: 2048,
          publicExponent: new Uint8Array([1, 0, 1]),
          hash: 'SHA-256',
        },
        true,
        ['sign', 'verify'],
      );
      const token = await sign(
        { sub: CUSTOMER_ID, exp: nowSeconds() + 3600 },
        keys.privateKey,
        'RS256',
      );

      await expectUnauthorized(await buildApp().app.request('/me/id', withToken(token)));
    });

    it('an HS512 token signed with the right secret', async () => {
      const token = await sign({ sub: CUSTOMER_ID, exp: nowSeconds() + 3600 }, SECRET, 'HS512');

      await expectUnauthorized(await buildApp().app.request('/me/id', withToken(token)));
    });

    it.each([
      ['missing', undefined],
      ['empty', ''],
      ['with a space', 'customer 42'],
      ['a number', 42],
      ['longer than 255 characters', 'c'.repeat(256)],
      ['non-ASCII', 'cust\u00f6mer'],
    ])('a sub that is %s', async (_label, sub) => {
      const token = await sign({ sub, exp: nowSeconds() + 3600 }, SECRET, 'HS256');

      await expectUnauthorized(await buildApp().app.request('/me/id', withToken(token)));
    });
  });

  it('accepts a hand-signed HS256 token (so the hand-crafted refusals fail for their claim)', async () => {
    const token = await signRaw({ sub: CUSTOMER_ID, exp: nowSeconds() + 3600 });

    expect((await buildApp().app.request('/me/id', withToken(token))).status).toBe(200);
  });

  it('accepts a token whose nbf has passed', async () => {
    const token = await sign(
      { sub: CUSTOMER_ID, nbf: nowSeconds() - 60, exp: nowSeconds() + 3600 },
      SECRET,
      'HS256',
    );

    const response = await buildApp().app.request('/me/id', withToken(token));

    expect(response.status).toBe(200);
  });

  it('never writes the token to the logs, on a 401 or on a 500 after authentication', async () => {
    const { app, lines } = buildApp();
    const valid = await signBuyerToken({ secret: SECRET, customerId: CUSTOMER_ID });
    const forged = await signBuyerToken({ secret: 'another-secret', customerId: CUSTOMER_ID });

    await expectUnauthorized(await app.request('/me/id', withToken(forged)));
    const crashed = await app.request('/me/crash', withToken(valid));

    expect(crashed.status).toBe(500);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) {
      for (const token of [valid, forged]) {
        for (const part of token.split('.')) {
          expect(line).not.toContain(part);
        }
      }
      // Not even in redacted form: the token is never handed to the logger.
      expect(line).not.toContain(redactionMarkers.jwt);
      expect(line).not.toContain(redactionMarkers.bearerToken);
    }
  });

  it('throws at construction for an empty secret and no JWKS URL', () => {
    expect(() => buyerAuth({ secret: '' })).toThrow(/secret or a JWKS URL/);
    expect(() => buyerAuth({})).toThrow(/secret or a JWKS URL/);
  });

  it('answers 500, not 401, when the per-request secret is empty', async () => {
    const { app, lines } = buildApp(() => '');
    const token = await signBuyerToken({ secret: SECRET, customerId: CUSTOMER_ID });

    const response = await app.request('/me/id', withToken(token));

    expect(response.status).toBe(500);
    expect(lines.join('\n')).toContain(
      'neither a JWT secret nor a JWKS URL is set for this request',
    );
  });
});

describe('the email claim', () => {
  const emailOf = async (claims: Record<string, unknown>) => {
    const token = await signRaw({ sub: CUSTOMER_ID, exp: nowSeconds() + 3600, ...claims });
    const response = await buildApp().app.request('/me/email', withToken(token));
    expect(response.status).toBe(200);
    return ((await response.json()) as { email: string | null }).email;
  };

  it('exposes a valid address as customerEmail, and none without the claim', async () => {
    expect(await emailOf({ email: 'reader@example.com' })).toBe('reader@example.com');
    expect(await emailOf({ email: 'reader@example.com', email_verified: true })).toBe(
      'reader@example.com',
    );
    expect(await emailOf({})).toBeNull();
  });

  it.each([
    [
      'an address the provider marks unverified',
      { email: 'reader@example.com', email_verified: false },
    ],
    ['a malformed address', { email: 'not-an-address' }],
    ['a non-string', { email: ['reader@example.com'] }],
  ])('ignores %s (no address) rather than refusing the token', async (_case, claims) => {
    expect(await emailOf(claims)).toBeNull();
  });

  it('signBuyerToken carries it', async () => {
    const token = await signBuyerToken({
      secret: SECRET,
      customerId: CUSTOMER_ID,
      email: 'reader@example.com',
    });
    expect(decode(token).payload.email).toBe('reader@example.com');
    const response = await buildApp().app.request('/me/email', withToken(token));
    expect(await response.json()).toEqual({ email: 'reader@example.com' });
  });
});

describe('the orgs claim (decision 024: the token proves who, not what)', () => {
  it('is not read: a token claiming roles sets nothing but who and where receipts go', async () => {
    const token = await signBuyerToken({
      secret: SECRET,
      customerId: CUSTOMER_ID,
      extraClaims: { orgs: { '0d9a6c1e-5b4f-4e1a-9c3d-2f7e8a1b6c40': 'owner' } },
    });
    expect(decode(token).payload.orgs).toBeDefined();
    const response = await buildApp().app.request('/me/variables', withToken(token));
    expect(await response.json()).toEqual(['customerEmail', 'customerId', 'requestId']);
  });

  it('extra claims never override sub', async () => {
    const token = await signBuyerToken({
      secret: SECRET,
      customerId: CUSTOMER_ID,
      extraClaims: { sub: 'auth0|someone-else' },
    });
    expect(decode(token).payload.sub).toBe(CUSTOMER_ID);
  });
});

describe('signBuyerToken', () => {
  it('signs { sub, iat, exp } with HS256 and a default lifetime of one hour', async () => {
    const token = await signBuyerToken({
      secret: SECRET,
      customerId: CUSTOMER_ID,
      now: () => 1_700_000_000_500,
    });

    const { header, payload } = decode(token);
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(payload).toEqual({ sub: CUSTOMER_ID, iat: 1_700_000_000, exp: 1_700_003_600 });
  });

  it('adds iss and aud when given', async () => {
    const token = await signBuyerToken({
      secret: SECRET,
      customerId: CUSTOMER_ID,
      issuer: 'https://identity.codex.test/',
      audience: ['codex-staff'],
    });

    expect(decode(token).payload).toMatchObject({
      iss: 'https://identity.codex.test/',
      aud: ['codex-staff'],
    });
  });

  it('honours expiresInSeconds', async () => {
    const token = await signBuyerToken({
      secret: SECRET,
      customerId: CUSTOMER_ID,
      expiresInSeconds: 60,
      now: () => 1_700_000_000_000,
    });

    expect(decode(token).payload.exp).toBe(1_700_000_060);
  });

  it.each([
    [{ secret: '' }, /secret/],
    [{ customerId: 'has space' }, /customerId/],
    [{ expiresInSeconds: 0 }, /expiresInSeconds/],
    [{ expiresInSeconds: 1.5 }, /expiresInSeconds/],
  ])('refuses invalid options %j', async (override, message) => {
    await expect(
      signBuyerToken({ secret: SECRET, customerId: CUSTOMER_ID, ...override }),
    ).rejects.toThrow(message);
  });
});
