import { ObservabilityClient } from '@codex/observability';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { clientIp } from './client-ip';
import { createErrorHandler } from './create-error-handler';
import { createMemoryRateLimiter } from './create-memory-rate-limiter';
import type { ErrorBody } from './error-response';
import { type RateLimiter, rateLimit } from './rate-limit';

function buildApp(limiter: RateLimiter, periodSeconds = 60) {
  const app = new Hono();
  const logger = new ObservabilityClient('test', 'test', { write: () => undefined });
  app.onError(createErrorHandler({ logger: () => logger }));
  app.use(rateLimit({ limiter: () => limiter, key: (c) => `ip:${clientIp(c)}`, periodSeconds }));
  app.get('/', (c) => c.text('ok'));
  app.get('/ip', (c) => c.text(clientIp(c)));
  return app;
}

function fromIp(ip: string): RequestInit {
  return { headers: { 'CF-Connecting-IP': ip } };
}

describe('rateLimit', () => {
  it('lets `limit` requests through, then answers 429 RATE_LIMITED with Retry-After', async () => {
    const limiter = createMemoryRateLimiter({ limit: 2, periodSeconds: 60, now: () => 0 });
    const app = buildApp(limiter, 60);

    const statuses = [];
    for (let i = 0; i < 2; i += 1) {
      statuses.push((await app.request('/', fromIp('203.0.113.7'))).status);
    }
    const limited = await app.request('/', fromIp('203.0.113.7'));

    expect(statuses).toEqual([200, 200]);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('Retry-After')).toBe('60');
    expect(((await limited.json()) as ErrorBody).error).toMatchObject({
      code: 'RATE_LIMITED',
      message: 'Too many requests',
    });
  });

  it('limits keys independently', async () => {
    const limiter = createMemoryRateLimiter({ limit: 1, periodSeconds: 60, now: () => 0 });
    const app = buildApp(limiter);

    expect((await app.request('/', fromIp('203.0.113.7'))).status).toBe(200);
    expect((await app.request('/', fromIp('203.0.113.7'))).status).toBe(429);
    expect((await app.request('/', fromIp('198.51.100.1'))).status).toBe(200);
  });

  it('lets requests through again when the window resets', async () => {
    let now = 0;
    const limiter = createMemoryRateLimiter({ limit: 1, periodSeconds: 10, now: () => now });
    const app = buildApp(limiter, 10);

    expect((await app.request('/', fromIp('203.0.113.7'))).status).toBe(200);
    expect((await app.request('/', fromIp('203.0.113.7'))).status).toBe(429);
    now = 10_000;
    expect((await app.request('/', fromIp('203.0.113.7'))).status).toBe(200);
  });

  it('asks the limiter with the key for this request', async () => {
    const keys: string[] = [];
    const app = buildApp({
      limit: ({ key }) => {
        keys.push(key);
        return Promise.resolve({ success: true });
      },
    });

    await app.request('/', fromIp('2001:db8::1'));
    await app.request('/');

    expect(keys).toEqual(['ip:2001:db8::1', 'ip:unknown']);
  });

  it('does not run the handler when refused', async () => {
    let handled = 0;
    const app = new Hono();
    const logger = new ObservabilityClient('test', 'test', { write: () => undefined });
    app.onError(createErrorHandler({ logger: () => logger }));
    app.use(
      rateLimit({
        limiter: () => ({ limit: () => Promise.resolve({ success: false }) }),
        key: () => 'k',
        periodSeconds: 10,
      }),
    );
    app.get('/', (c) => {
      handled += 1;
      return c.text('ok');
    });

    expect((await app.request('/')).status).toBe(429);
    expect(handled).toBe(0);
  });

  it.each([0, -1, 1.5])('throws at construction for periodSeconds %d', (periodSeconds) => {
    const limiter = createMemoryRateLimiter({ limit: 1, periodSeconds: 1 });
    expect(() => rateLimit({ limiter: () => limiter, key: () => 'k', periodSeconds })).toThrow(
      /periodSeconds/,
    );
  });
});

describe('clientIp', () => {
  const app = buildApp({ limit: () => Promise.resolve({ success: true }) });

  it.each(['203.0.113.7', '2001:db8::1'])('reads CF-Connecting-IP %s', async (ip) => {
    expect(await (await app.request('/ip', fromIp(ip))).text()).toBe(ip);
  });

  it.each([
    ['absent', undefined],
    ['not an address', 'evil; key=other'],
    ['too long', '1'.repeat(46)],
  ])('falls back to unknown when the header is %s', async (_label, ip) => {
    const response = await app.request('/ip', ip === undefined ? {} : fromIp(ip));
    expect(await response.text()).toBe('unknown');
  });
});
