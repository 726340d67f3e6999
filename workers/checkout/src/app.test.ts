import { signBuyerToken } from '@codex/security';
import { createTestUser } from '@codex/test-utils/factories';
import { expectHealthAnswer } from '@codex/worker-runtime/testing';
import { hc } from 'hono/client';
import { sign } from 'hono/jwt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CheckoutApp } from './index';
import { authorizationFor, callWorker, testEnv } from './testing/test-support';

const SOME_CONTENT = '6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';

function base64Url(value: unknown): string {
  return btoa(JSON.stringify(value)).replaceAll('=', '').replaceAll('+', '-').replaceAll('/', '_');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('edge behaviour', () => {
  it('answers GET /health with security headers and a request id', async () => {
    await expectHealthAnswer(await callWorker('/health'));
  });

  it('echoes a well-formed X-Request-Id and replaces a malformed one', async () => {
    const echoed = await callWorker('/health', { headers: { 'X-Request-Id': 'web-req-12345678' } });
    expect(echoed.headers.get('X-Request-Id')).toBe('web-req-12345678');
    const replaced = await callWorker('/health', {
      headers: { 'X-Request-Id': 'bad id <script>' },
    });
    expect(replaced.headers.get('X-Request-Id')).not.toContain('script');
  });

  it('answers unknown routes 404 NOT_FOUND in the error shape', async () => {
    const response = await callWorker('/api/nothing-here', {
      headers: await authorizationFor(createTestUser()),
    });
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { code: string; requestId: string } };
    expect(body.error.code).toBe('NOT_FOUND');
    expect(body.error.requestId).toBe(response.headers.get('X-Request-Id'));
  });

  it('allows the web app origin through CORS and nobody else', async () => {
    const preflight = (origin: string) =>
      callWorker('/api/checkout', {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization,content-type',
        },
      });
    const allowed = await preflight(testEnv.WEB_APP_URL);
    expect(allowed.headers.get('Access-Control-Allow-Origin')).toBe(testEnv.WEB_APP_URL);
    const foreign = await preflight('https://evil.example');
    expect(foreign.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });
});

describe('GET /api/bench/floor', () => {
  it.each(['development', 'test'])(
    'authenticates and runs one query when ENVIRONMENT is %s',
    async (environment) => {
      const headers = await authorizationFor(createTestUser());
      const floor = await callWorker('/api/bench/floor', { headers }, { ENVIRONMENT: environment });
      expect(floor.status).toBe(200);
      expect(await floor.json()).toEqual({ ok: true });
      expect((await callWorker('/api/bench/floor')).status).toBe(401);
    },
  );

  it.each(['staging', 'production'])(
    'does not exist when ENVIRONMENT is %s',
    async (environment) => {
      const headers = await authorizationFor(createTestUser());
      const response = await callWorker(
        '/api/bench/floor',
        { headers },
        { ENVIRONMENT: environment },
      );
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    },
  );
});

describe('request validation', () => {
  it('answers unknown fields with a stable 400 that echoes none of the keys the client sent', async () => {
    const response = await callWorker('/api/checkout', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(await authorizationFor(createTestUser())),
      },
      body: JSON.stringify({ contentId: SOME_CONTENT, priceCents: 1, '<script>x</script>': true }),
    });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(JSON.parse(text).error).toMatchObject({
      code: 'VALIDATION_ERROR',
      message: 'unknown fields are not allowed',
    });
    expect(text).not.toMatch(/priceCents|script/);
  });
});

describe('buyer authentication', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const cases: Array<[string, () => Promise<Record<string, string>>]> = [
    ['no Authorization header', async () => ({})],
    ['a Basic scheme', async () => ({ Authorization: 'Basic dXNlcjpwYXNz' })],
    ['a malformed token', async () => ({ Authorization: 'Bearer not.a.jwt' })],
    [
      'an expired token',
      async () => ({
        Authorization: `Bearer ${await signBuyerToken({
          secret: testEnv.AUTH_JWT_SECRET,
          customerId: 'user_1',
          expiresInSeconds: 60,
          now: () => Date.now() - 3_600_000,
        })}`,
      }),
    ],
    [
      'a token signed with another secret',
      async () => ({
        Authorization: `Bearer ${await signBuyerToken({
          secret: 'another-secret-another-secret-another-secret',
          customerId: 'user_1',
        })}`,
      }),
    ],
    [
      'a token without exp',
      async () => ({
        Authorization: `Bearer ${await sign({ sub: 'user_1', iat: now() }, testEnv.AUTH_JWT_SECRET, 'HS256')}`,
      }),
    ],
    [
      'a token whose sub is not a customer id',
      async () => ({
        Authorization: `Bearer ${await sign({ sub: 'user 1', exp: now() + 600 }, testEnv.AUTH_JWT_SECRET, 'HS256')}`,
      }),
    ],
    [
      'an unsigned (alg none) token',
      async () => ({
        Authorization: `Bearer ${base64Url({ alg: 'none', typ: 'JWT' })}.${base64Url({ sub: 'user_1', exp: now() + 600 })}.`,
      }),
    ],
  ];

  it.each(cases)('answers 401 UNAUTHORIZED for %s, on both endpoints', async (_label, headers) => {
    for (const [path, method] of [
      ['/api/checkout', 'POST'],
      [`/api/purchases/access/${SOME_CONTENT}`, 'GET'],
    ] as const) {
      const response = await callWorker(path, {
        method,
        headers: { 'Content-Type': 'application/json', ...(await headers()) },
        ...(method === 'POST' ? { body: JSON.stringify({ contentId: SOME_CONTENT }) } : {}),
      });
      expect(response.status).toBe(401);
      const body = (await response.json()) as {
        error: { code: string; message: string; requestId: string };
      };
      expect(body.error.code).toBe('UNAUTHORIZED');
      expect(body.error.requestId).toBe(response.headers.get('X-Request-Id'));
    }
  });
});

describe('failures never leak', () => {
  it('answers 500 without details and logs one configuration error when a secret is missing', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => {
      errors.push(String(line));
    });
    const response = await callWorker(
      `/api/purchases/access/${SOME_CONTENT}`,
      { headers: await authorizationFor(createTestUser()) },
      { DATABASE_URL: undefined, AUTH_JWT_SECRET: 'short' },
    );
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text).error).toMatchObject({
      code: 'INTERNAL_ERROR',
      message: 'Internal server error',
    });
    expect(text).not.toMatch(/DATABASE|AUTH_JWT|short/);
    const configLines = errors.filter((line) => line.includes('worker misconfigured'));
    expect(configLines).toHaveLength(1);
    expect(configLines[0]).toContain('DATABASE_URL: missing');
    expect(configLines[0]).toContain('AUTH_JWT_SECRET');
    expect(configLines[0]).not.toContain(testEnv.AUTH_JWT_SECRET);
  });

  it('refuses the placeholder AUTH_JWT_SECRET of .dev.vars.example, naming it, never its value', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => {
      errors.push(String(line));
    });
    const placeholder = 'replace-with-at-least-32-random-characters';
    const token = await signBuyerToken({ secret: placeholder, customerId: createTestUser() });

    const response = await callWorker(
      `/api/purchases/access/${SOME_CONTENT}`,
      { headers: { Authorization: `Bearer ${token}` } },
      { AUTH_JWT_SECRET: placeholder },
    );

    expect(response.status).toBe(500);
    const configLines = errors.filter((line) => line.includes('worker misconfigured'));
    expect(configLines).toHaveLength(1);
    expect(configLines[0]).toContain('AUTH_JWT_SECRET: is a placeholder');
    expect(configLines[0]).not.toContain(placeholder);
  });

  it('answers 500 INTERNAL_ERROR without internals when the database is unreachable', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const response = await callWorker(
      `/api/purchases/access/${SOME_CONTENT}`,
      { headers: await authorizationFor(createTestUser()) },
      { DATABASE_URL: 'postgres://app:hunter2-secret@127.0.0.1:1/nowhere' },
    );
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text).error).toMatchObject({
      code: 'INTERNAL_ERROR',
      message: 'Internal server error',
    });
    expect(text).not.toMatch(/hunter2|127\.0\.0\.1|nowhere|ECONN|WebSocket/i);
  });
});

describe('typed client', () => {
  it('calls the access endpoint through hc<CheckoutApp>', async () => {
    const client = hc<CheckoutApp>('http://checkout.test', {
      fetch: (input: RequestInfo | URL, init?: RequestInit) =>
        callWorker(input instanceof Request ? input.url : String(input), init),
      headers: await authorizationFor(createTestUser()),
    });
    const response = await client.api.purchases.access[':contentId'].$get({
      param: { contentId: SOME_CONTENT },
    });
    expect(response.status).toBe(200);
    // The client now also knows the documented error bodies, so the body is a union until the
    // status narrows it; comparing the whole body needs no narrowing.
    expect(await response.json()).toEqual({ hasAccess: false });
  });
});
