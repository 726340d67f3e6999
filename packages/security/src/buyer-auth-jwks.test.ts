import { ObservabilityClient } from '@codex/observability';
import { type JwksStandIn, startJwksStandIn } from '@codex/test-utils/jwks-stand-in';
import {
  generateSigningKey,
  publishJwks,
  type SigningKey,
  signWithKey,
} from '@codex/test-utils/signing-keys';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuyerAuthOptions, buyerAuth } from './buyer-auth';
import { createErrorHandler } from './create-error-handler';
import type { ErrorBody } from './error-response';
import { requestId } from './request-id';
import { signBuyerToken } from './sign-buyer-token';

// buyerAuth against an identity provider's JWKS served over HTTP; the algorithms, the key cache
// and each claim check have their own tests (verify-token.test.ts, jwks-key-store.test.ts).
const SECRET = 'test-secret-that-is-long-enough-for-hs256';
const CUSTOMER_ID = 'user_2b7Xk9';
const nowSeconds = () => Math.floor(Date.now() / 1000);

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

describe('buyerAuth with an identity provider (JWKS, issuer, audience)', () => {
  const ISSUER = 'https://identity.codex.test/';
  let standIn: JwksStandIn;
  let key: SigningKey;
  let jwksUrl: string;

  beforeAll(async () => {
    standIn = await startJwksStandIn();
    key = await generateSigningKey('RS256', 'provider-1');
    await publishJwks(standIn.url, 'buyer-auth', [key]);
    jwksUrl = `${standIn.url}/jwks/buyer-auth`;
  });
  afterAll(async () => {
    await standIn.close();
  });

  function providerApp(audience: BuyerAuthOptions['audience']) {
    const logger = new ObservabilityClient('test', 'test', { write: () => {} });
    const app = new Hono<{ Variables: { customerId: string; requestId: string } }>();
    app.use(requestId());
    app.onError(createErrorHandler({ logger: () => logger }));
    app.use('*', buyerAuth({ jwksUrl: () => jwksUrl, issuer: ISSUER, audience }));
    app.get('/me/id', (c) => c.json({ customerId: c.get('customerId') }));
    return app;
  }

  const providerToken = (claims: Record<string, unknown>) =>
    signWithKey(key, { sub: CUSTOMER_ID, iss: ISSUER, exp: nowSeconds() + 300, ...claims });

  it('accepts a token from a JWKS-published RS256 key with the right iss and aud', async () => {
    const token = await providerToken({ aud: 'buyers' });

    const response = await providerApp('buyers').request('/me/id', withToken(token));

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ customerId: CUSTOMER_ID });
  });

  it('refuses with the same 401 a wrong aud, a wrong iss and an HS256 token', async () => {
    const app = providerApp('buyers');
    await expectUnauthorized(
      await app.request('/me/id', withToken(await providerToken({ aud: 'staff' }))),
    );
    await expectUnauthorized(
      await app.request('/me/id', withToken(await providerToken({ aud: 'buyers', iss: 'x' }))),
    );
    const hs256 = await signBuyerToken({ secret: SECRET, customerId: CUSTOMER_ID });
    await expectUnauthorized(await app.request('/me/id', withToken(hs256)));
  });

  it('reads the audience per request', async () => {
    const app = providerApp((c) => (c.req.path === '/me/id' ? 'staff' : 'buyers'));
    const staffToken = await providerToken({ aud: ['buyers', 'staff'] });
    const buyerToken = await providerToken({ aud: 'buyers' });

    expect((await app.request('/me/id', withToken(staffToken))).status).toBe(200);
    await expectUnauthorized(await app.request('/me/id', withToken(buyerToken)));
  });

  it('logs a failed JWKS fetch with the host and the reason, never the token', async () => {
    const lines: string[] = [];
    const logger = new ObservabilityClient('test', 'test', { write: (line) => lines.push(line) });
    const app = new Hono<{ Variables: { logger: ObservabilityClient; requestId: string } }>();
    app.use(requestId());
    app.use(async (c, next) => {
      c.set('logger', logger);
      await next();
    });
    app.onError(createErrorHandler({ logger: () => logger }));
    const downUrl = `${standIn.url}/jwks/never-published`;
    app.use('*', buyerAuth({ jwksUrl: downUrl, issuer: ISSUER }));
    app.get('/me/id', (c) => c.text('ok'));
    const token = await providerToken({});

    await expectUnauthorized(await app.request('/me/id', withToken(token)));

    const warning = lines.find((line) => line.includes('JWKS fetch failed'));
    expect(warning).toContain(new URL(standIn.url).host);
    expect(warning).toContain('HTTP 404');
    for (const part of token.split('.')) expect(lines.join('\n')).not.toContain(part);
  });
});
