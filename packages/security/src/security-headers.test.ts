import { ObservabilityClient } from '@codex/observability';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error';
import { createErrorHandler } from './create-error-handler';
import { notFoundHandler } from './not-found-handler';
import { requestId } from './request-id';
import { type SecurityHeadersOptions, securityHeaders } from './security-headers';

const EXPECTED_HEADERS = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
};

function buildApp(options?: SecurityHeadersOptions) {
  const app = new Hono();
  const logger = new ObservabilityClient('test', 'test', { write: () => undefined });
  app.use(requestId());
  app.use(securityHeaders(options));
  app.onError(createErrorHandler({ logger: () => logger }));
  app.notFound(notFoundHandler);
  app.get('/ok', (c) => {
    c.header('X-Powered-By', 'Hono');
    c.header('X-Frame-Options', 'ALLOWALL');
    return c.json({ ok: true });
  });
  app.get('/throws', () => {
    throw new Error('boom');
  });
  app.use('/guarded', async () => {
    throw new ApiError('UNAUTHORIZED', 'Missing or invalid credentials');
  });
  app.get('/guarded', (c) => c.text('never'));
  return app;
}

function expectSecurityHeaders(response: Response): void {
  for (const [name, value] of Object.entries(EXPECTED_HEADERS)) {
    expect(response.headers.get(name), name).toBe(value);
  }
  expect(response.headers.has('X-Powered-By')).toBe(false);
}

describe('securityHeaders', () => {
  it('sets the API-strict headers on a successful response and overrides weaker ones', async () => {
    const response = await buildApp().request('/ok');

    expect(response.status).toBe(200);
    expectSecurityHeaders(response);
  });

  it('sets them on a 500 built by onError from a throwing route', async () => {
    const response = await buildApp().request('/throws');

    expect(response.status).toBe(500);
    expectSecurityHeaders(response);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
  });

  it('sets them on an error thrown by a later middleware', async () => {
    const response = await buildApp().request('/guarded');

    expect(response.status).toBe(401);
    expectSecurityHeaders(response);
  });

  it('sets them on a 404 from notFound', async () => {
    const response = await buildApp().request('/nowhere');

    expect(response.status).toBe(404);
    expectSecurityHeaders(response);
  });

  it('can turn HSTS off for local http', async () => {
    const response = await buildApp({ strictTransportSecurity: false }).request('/ok');

    expect(response.headers.has('Strict-Transport-Security')).toBe(false);
    expect(response.headers.get('X-Frame-Options')).toBe('DENY');
  });

  it('can override the HSTS value', async () => {
    const response = await buildApp({ strictTransportSecurity: 'max-age=60' }).request('/ok');

    expect(response.headers.get('Strict-Transport-Security')).toBe('max-age=60');
  });

  it('throws at construction for an empty HSTS value', () => {
    expect(() => securityHeaders({ strictTransportSecurity: '' })).toThrow(
      /strictTransportSecurity/,
    );
  });
});
