import { ObservabilityClient } from '@codex/observability';
import { type Context, Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { corsForWebApp } from './cors-for-web-app';
import { createErrorHandler } from './create-error-handler';

const WEB_APP = 'https://app.codex.example';

function buildApp(origin: string | ((c: Context) => string) = WEB_APP) {
  const app = new Hono<{ Bindings: { WEB_APP_ORIGIN: string } }>();
  const logger = new ObservabilityClient('test', 'test', { write: () => undefined });
  app.onError(createErrorHandler({ logger: () => logger }));
  app.use(corsForWebApp({ origin }));
  app.get('/api/things', (c) => c.json({ ok: true }));
  app.post('/api/things', (c) => c.json({ ok: true }));
  return app;
}

function preflight(origin: string): RequestInit {
  return {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'authorization, content-type',
    },
  };
}

describe('corsForWebApp', () => {
  it('answers a preflight from the web app with the allowed methods, headers and max age', async () => {
    const response = await buildApp().request('/api/things', preflight(WEB_APP));

    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(WEB_APP);
    expect(response.headers.get('Access-Control-Allow-Methods')).toBe('GET,POST,OPTIONS');
    expect(response.headers.get('Access-Control-Allow-Headers')).toBe(
      'Authorization,Content-Type,Idempotency-Key,X-Request-Id',
    );
    expect(response.headers.get('Access-Control-Max-Age')).toBe('600');
    expect(response.headers.has('Access-Control-Allow-Credentials')).toBe(false);
    expect(response.headers.get('Vary')).toContain('Origin');
  });

  it('gives a foreign origin no Access-Control-Allow-Origin on preflight or request', async () => {
    const app = buildApp();

    const preflightResponse = await app.request('/api/things', preflight('https://evil.example'));
    const response = await app.request('/api/things', {
      headers: { Origin: 'https://evil.example' },
    });

    expect(preflightResponse.headers.has('Access-Control-Allow-Origin')).toBe(false);
    expect(response.status).toBe(200);
    expect(response.headers.has('Access-Control-Allow-Origin')).toBe(false);
  });

  it.each([
    'https://app.codex.example.evil.example',
    'http://app.codex.example',
    'https://app.codex.example:8443',
    'https://APP.codex.example',
    'null',
  ])('matches the origin exactly, refusing %s', async (origin) => {
    const response = await buildApp().request('/api/things', { headers: { Origin: origin } });

    expect(response.headers.has('Access-Control-Allow-Origin')).toBe(false);
  });

  it('allows the web app on a simple request and exposes X-Request-Id and Retry-After', async () => {
    const response = await buildApp().request('/api/things', {
      method: 'POST',
      headers: { Origin: WEB_APP },
    });

    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(WEB_APP);
    expect(response.headers.get('Access-Control-Expose-Headers')).toBe('X-Request-Id,Retry-After');
    expect(response.headers.has('Access-Control-Allow-Credentials')).toBe(false);
  });

  it('reads the origin per request with the function form', async () => {
    const app = buildApp((c) => (c.env as { WEB_APP_ORIGIN: string }).WEB_APP_ORIGIN);
    const env = { WEB_APP_ORIGIN: 'https://staging.codex.example' };

    const allowed = await app.request(
      '/api/things',
      { headers: { Origin: 'https://staging.codex.example' } },
      env,
    );
    const refused = await app.request('/api/things', { headers: { Origin: WEB_APP } }, env);

    expect(allowed.headers.get('Access-Control-Allow-Origin')).toBe(
      'https://staging.codex.example',
    );
    expect(refused.headers.has('Access-Control-Allow-Origin')).toBe(false);
  });

  it.each(['', '*', 'https://app.codex.example/', 'app.codex.example'])(
    'throws at construction for the origin %j',
    (origin) => {
      expect(() => corsForWebApp({ origin })).toThrow(/bare origin/);
    },
  );

  it('fails the request loudly when the origin function returns a wildcard', async () => {
    const response = await buildApp(() => '*').request('/api/things', {
      headers: { Origin: 'https://evil.example' },
    });

    expect(response.status).toBe(500);
    expect(response.headers.has('Access-Control-Allow-Origin')).toBe(false);
  });
});
