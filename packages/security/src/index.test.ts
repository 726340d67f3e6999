import { ObservabilityClient } from '@codex/observability';
import { contentIdSchema } from '@codex/validation';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
// Through the package's public entry, as the workers import it.
import {
  ApiError,
  buyerAuth,
  corsForWebApp,
  createErrorHandler,
  createMemoryRateLimiter,
  type ErrorBody,
  limitBody,
  notFoundHandler,
  parseWith,
  rateLimit,
  readJsonBody,
  requestId,
  securityHeaders,
  signBuyerToken,
} from './index';

const SECRET = 'integration-secret-0123456789abcdef';
const WEB_APP = 'https://app.codex.example';
const CONTENT_ID = '6c0a4f3e-2b1d-4e8f-9a7c-5d3b2e1f0a9b';

/** A sample body, as a checkout route takes it: one content id and nothing else. */
const sampleBodySchema = z.strictObject({ contentId: contentIdSchema });

type AppEnv = { Variables: { requestId: string; customerId: string } };

/** The middleware order a worker uses: id, headers, CORS, then per-route limits and auth. */
function buildCheckoutApp() {
  const lines: string[] = [];
  const root = new ObservabilityClient('checkout', 'test', { write: (line) => lines.push(line) });
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(securityHeaders());
  app.use(corsForWebApp({ origin: WEB_APP }));
  app.onError(
    createErrorHandler({
      logger: (c) => root.withRequestId(String(c.get('requestId'))),
      mapError: (error) =>
        error instanceof Error && error.message === 'already purchased'
          ? new ApiError('ALREADY_PURCHASED', 'You already own this content')
          : undefined,
    }),
  );
  app.notFound(notFoundHandler);
  const limiter = createMemoryRateLimiter({ limit: 5, periodSeconds: 60 });
  app.post(
    '/api/checkout',
    limitBody({ maxBytes: 1024 }),
    buyerAuth({ secret: SECRET }),
    rateLimit({
      limiter: () => limiter,
      key: (c) => `customer:${c.get('customerId')}`,
      periodSeconds: 60,
    }),
    async (c) => {
      const input = parseWith(sampleBodySchema, await readJsonBody(c));
      if (c.req.header('X-Test-Fail') === 'owned') {
        throw new Error('already purchased');
      }
      if (c.req.header('X-Test-Fail') === 'crash') {
        throw new Error(`db failed for ${c.req.header('Authorization')}`);
      }
      return c.json({ customerId: c.get('customerId'), contentId: input.contentId }, 201);
    },
  );
  return { app, lines };
}

async function checkout(app: Hono<AppEnv>, init: { token?: string; body?: string; fail?: string }) {
  return app.request('/api/checkout', {
    method: 'POST',
    headers: {
      Origin: WEB_APP,
      'Content-Type': 'application/json',
      'X-Request-Id': 'integration-req-1',
      ...(init.token === undefined ? {} : { Authorization: `Bearer ${init.token}` }),
      ...(init.fail === undefined ? {} : { 'X-Test-Fail': init.fail }),
    },
    body: init.body ?? JSON.stringify({ contentId: CONTENT_ID }),
  });
}

function expectCommonHeaders(response: Response): void {
  expect(response.headers.get('X-Request-Id')).toBe('integration-req-1');
  expect(response.headers.get('Access-Control-Allow-Origin')).toBe(WEB_APP);
  expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
  expect(response.headers.get('Content-Security-Policy')).toBe(
    "default-src 'none'; frame-ancestors 'none'",
  );
}

describe('the security stack of a worker', () => {
  it('serves an authenticated, valid request', async () => {
    const { app } = buildCheckoutApp();
    const token = await signBuyerToken({ secret: SECRET, customerId: 'customer-1' });

    const response = await checkout(app, { token });

    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ customerId: 'customer-1', contentId: CONTENT_ID });
    expectCommonHeaders(response);
  });

  it('answers a preflight before authentication', async () => {
    const { app } = buildCheckoutApp();

    const response = await app.request('/api/checkout', {
      method: 'OPTIONS',
      headers: {
        Origin: WEB_APP,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type',
      },
    });

    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(WEB_APP);
    expect(response.headers.get('X-Frame-Options')).toBe('DENY');
  });

  it.each([
    ['401 without a token', { anonymous: true }, 401, 'UNAUTHORIZED'],
    ['413 for an oversized body', { body: 'x'.repeat(2048) }, 413, 'PAYLOAD_TOO_LARGE'],
    ['400 for invalid input', { body: '{"contentId":"nope"}' }, 400, 'VALIDATION_ERROR'],
    ['409 for a mapped domain error', { fail: 'owned' }, 409, 'ALREADY_PURCHASED'],
    ['500 for an unexpected failure', { fail: 'crash' }, 500, 'INTERNAL_ERROR'],
  ] as const)(
    'answers %s with the standard body and headers',
    async (_label, init, status, code) => {
      const { app } = buildCheckoutApp();
      const token = await signBuyerToken({ secret: SECRET, customerId: 'customer-1' });

      const { anonymous, ...request } = { anonymous: false, ...init };

      const response = await checkout(app, { ...request, token: anonymous ? undefined : token });

      expect(response.status).toBe(status);
      expectCommonHeaders(response);
      expect(response.headers.get('Cache-Control')).toBe('no-store');
      expect(((await response.json()) as ErrorBody).error).toMatchObject({
        code,
        requestId: 'integration-req-1',
      });
    },
  );

  it('answers 429 once a customer exceeds the limit, with Retry-After exposed to the app', async () => {
    const { app } = buildCheckoutApp();
    const token = await signBuyerToken({ secret: SECRET, customerId: 'customer-2' });

    for (let i = 0; i < 5; i += 1) {
      expect((await checkout(app, { token })).status).toBe(201);
    }
    const limited = await checkout(app, { token });

    expect(limited.status).toBe(429);
    expect(limited.headers.get('Retry-After')).toBe('60');
    expect(limited.headers.get('Access-Control-Expose-Headers')).toContain('Retry-After');
    expectCommonHeaders(limited);
  });

  it('logs a 500 with its request id and never the token or the internal message in the body', async () => {
    const { app, lines } = buildCheckoutApp();
    const token = await signBuyerToken({ secret: SECRET, customerId: 'customer-3' });

    const response = await checkout(app, { token, fail: 'crash' });
    const text = await response.text();

    expect(text).not.toContain('db failed');
    expect(text).not.toContain(token);
    const errors = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      requestId: 'integration-req-1',
      context: { requestId: 'integration-req-1', method: 'POST', path: '/api/checkout' },
    });
    for (const line of lines) {
      for (const part of token.split('.')) {
        expect(line).not.toContain(part);
      }
    }
  });
});
