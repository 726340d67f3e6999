import { ObservabilityClient } from '@codex/observability';
import { Hono } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error';
import { createErrorHandler, type ErrorHandlerOptions } from './create-error-handler';
import type { ErrorBody } from './error-response';
import { notFoundHandler } from './not-found-handler';
import { requestId } from './request-id';

const REQUEST_ID = 'req-0123456789';

class DomainError extends Error {
  constructor(readonly code: 'CONTENT_MISSING' | 'DATABASE_DOWN') {
    super(`domain failure ${code}`);
  }
}

function buildApp(options: Partial<ErrorHandlerOptions> = {}) {
  const lines: string[] = [];
  const logger = new ObservabilityClient('test', 'test', { write: (line) => lines.push(line) });
  const app = new Hono();
  app.use(requestId());
  app.onError(createErrorHandler({ logger: () => logger, ...options }));
  app.notFound(notFoundHandler);
  return { app, lines };
}

function request(app: Hono, path: string, init: RequestInit = {}) {
  return app.request(path, {
    ...init,
    headers: { 'X-Request-Id': REQUEST_ID, ...init.headers },
  });
}

async function readBody(response: Response): Promise<ErrorBody> {
  return (await response.json()) as ErrorBody;
}

function parseLines(lines: string[]): Array<Record<string, unknown>> {
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('createErrorHandler', () => {
  it('answers an ApiError with its status, code, message and headers', async () => {
    const { app } = buildApp();
    app.get('/limited', () => {
      throw new ApiError('RATE_LIMITED', 'Too many requests', { headers: { 'Retry-After': '60' } });
    });

    const response = await request(app, '/limited');

    expect(response.status).toBe(429);
    expect(response.headers.get('Retry-After')).toBe('60');
    expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect(await readBody(response)).toEqual({
      error: { code: 'RATE_LIMITED', message: 'Too many requests', requestId: REQUEST_ID },
    });
  });

  it('sets Cache-Control: no-store and X-Request-Id on error responses', async () => {
    const { app } = buildApp();
    app.get('/boom', () => {
      throw new Error('boom');
    });

    const response = await request(app, '/boom');

    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expect(response.headers.get('X-Request-Id')).toBe(REQUEST_ID);
  });

  it('answers an unknown error with a generic 500 that echoes nothing of the error', async () => {
    const { app } = buildApp();
    const secret = 'connection to postgres://admin:hunter2@db.internal failed';
    app.get('/boom', () => {
      const error = new Error(secret);
      Object.assign(error, { detail: 'SELECT * FROM customers' });
      throw error;
    });

    const response = await request(app, '/boom');
    const text = await response.text();

    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toEqual({
      error: { code: 'INTERNAL_ERROR', message: 'Internal server error', requestId: REQUEST_ID },
    });
    expect(text).not.toContain('postgres');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('SELECT');
    expect(text).not.toContain('at ');
  });

  it('logs a 500 with trackError, the request id, method and path (no query string)', async () => {
    const { app, lines } = buildApp();
    app.post('/checkout', () => {
      throw new TypeError('undefined is not a function');
    });

    await request(app, '/checkout?token=abc', { method: 'POST' });

    const entries = parseLines(lines);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      level: 'error',
      message: 'undefined is not a function',
      context: {
        method: 'POST',
        path: '/checkout',
        requestId: REQUEST_ID,
        code: 'INTERNAL_ERROR',
        status: 500,
      },
      error: { name: 'TypeError', message: 'undefined is not a function' },
    });
  });

  it('logs a 4xx at info without the error object', async () => {
    const { app, lines } = buildApp();
    app.get('/missing', () => {
      throw new ApiError('CONTENT_NOT_FOUND', 'Content not found');
    });

    await request(app, '/missing');

    const entries = parseLines(lines);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      level: 'info',
      context: { code: 'CONTENT_NOT_FOUND', status: 404, requestId: REQUEST_ID, path: '/missing' },
    });
    expect(entries[0]).not.toHaveProperty('error');
  });

  it('logs a deliberate 5xx ApiError with trackError and keeps its client message', async () => {
    const { app, lines } = buildApp();
    app.get('/pay', () => {
      throw new ApiError('PAYMENT_PROVIDER_ERROR', 'The payment provider is unavailable', {
        cause: new Error('stripe: 503 upstream'),
      });
    });

    const response = await request(app, '/pay');

    expect(response.status).toBe(502);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({
      error: { code: 'PAYMENT_PROVIDER_ERROR', message: 'The payment provider is unavailable' },
    });
    expect(text).not.toContain('stripe');
    const entries = parseLines(lines);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ level: 'error', context: { status: 502 } });
    expect(lines[0]).toContain('stripe: 503 upstream');
  });

  it('uses mapError for domain errors and falls through when it returns undefined', async () => {
    const { app, lines } = buildApp({
      mapError: (error) =>
        error instanceof DomainError && error.code === 'CONTENT_MISSING'
          ? new ApiError('CONTENT_NOT_FOUND', 'Content not found')
          : undefined,
    });
    app.get('/mapped', () => {
      throw new DomainError('CONTENT_MISSING');
    });
    app.get('/unmapped', () => {
      throw new DomainError('DATABASE_DOWN');
    });

    const mapped = await request(app, '/mapped');
    expect(mapped.status).toBe(404);
    expect(await readBody(mapped)).toEqual({
      error: { code: 'CONTENT_NOT_FOUND', message: 'Content not found', requestId: REQUEST_ID },
    });

    const unmapped = await request(app, '/unmapped');
    expect(unmapped.status).toBe(500);
    expect((await readBody(unmapped)).error.code).toBe('INTERNAL_ERROR');
    expect(parseLines(lines).at(-1)).toMatchObject({
      level: 'error',
      message: 'domain failure DATABASE_DOWN',
    });
  });

  it('does not consult mapError for an ApiError', async () => {
    let calls = 0;
    const { app } = buildApp({
      mapError: () => {
        calls += 1;
        return new ApiError('INTERNAL_ERROR', 'Internal server error');
      },
    });
    app.get('/', () => {
      throw new ApiError('ALREADY_PURCHASED', 'Already purchased');
    });

    const response = await request(app, '/');

    expect(response.status).toBe(409);
    expect(calls).toBe(0);
  });

  it('answers 500 and logs both errors when mapError itself throws', async () => {
    const { app, lines } = buildApp({
      mapError: () => {
        throw new Error('mapper bug');
      },
    });
    app.get('/', () => {
      throw new HTTPException(401, { message: 'nope' });
    });

    const response = await request(app, '/');

    expect(response.status).toBe(500);
    expect((await readBody(response)).error.message).toBe('Internal server error');
    const messages = parseLines(lines).map((entry) => entry.message);
    expect(messages).toEqual(['nope', 'mapper bug']);
  });

  it.each([
    [400, 'VALIDATION_ERROR', 400],
    [401, 'UNAUTHORIZED', 401],
    [403, 'VALIDATION_ERROR', 400],
    [404, 'NOT_FOUND', 404],
    [413, 'PAYLOAD_TOO_LARGE', 413],
    [415, 'UNSUPPORTED_MEDIA_TYPE', 415],
    [429, 'RATE_LIMITED', 429],
    [500, 'INTERNAL_ERROR', 500],
    [503, 'INTERNAL_ERROR', 500],
  ] as const)(
    'maps HTTPException %i to %s (%i) with a generic message',
    async (thrown, code, status) => {
      const { app } = buildApp();
      app.get('/', () => {
        throw new HTTPException(thrown, { message: 'internal detail from a library' });
      });

      const response = await request(app, '/');
      const text = await response.text();

      expect(response.status).toBe(status);
      expect((JSON.parse(text) as ErrorBody).error.code).toBe(code);
      expect(text).not.toContain('internal detail');
    },
  );

  it("keeps an HTTPException response's headers but not its body", async () => {
    const { app } = buildApp();
    app.use('/hono-auth', bearerAuth({ token: 'expected-token' }));
    app.get('/hono-auth', (c) => c.text('ok'));

    const response = await request(app, '/hono-auth', {
      headers: { Authorization: 'Bearer wrong-token' },
    });

    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toContain('Bearer');
    expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect(await readBody(response)).toEqual({
      error: {
        code: 'UNAUTHORIZED',
        message: 'Missing or invalid credentials',
        requestId: REQUEST_ID,
      },
    });
  });

  it("falls back to requestId 'unknown' when the requestId middleware did not run", async () => {
    const app = new Hono();
    const logger = new ObservabilityClient('test', 'test', { write: () => undefined });
    app.onError(createErrorHandler({ logger: () => logger }));
    app.get('/', () => {
      throw new Error('boom');
    });

    const response = await app.request('/');

    expect((await readBody(response)).error.requestId).toBe('unknown');
    expect(response.headers.has('X-Request-Id')).toBe(false);
  });

  it('still answers when the logger factory throws', async () => {
    const { app } = buildApp({
      logger: () => {
        throw new Error('no logger');
      },
    });
    app.get('/', () => {
      throw new Error('boom');
    });
    const originalConsoleError = console.error;
    const consoleLines: unknown[] = [];
    console.error = (...args: unknown[]) => consoleLines.push(...args);
    try {
      const response = await request(app, '/');
      expect(response.status).toBe(500);
      expect((await readBody(response)).error.code).toBe('INTERNAL_ERROR');
    } finally {
      console.error = originalConsoleError;
    }
    expect(consoleLines.join('\n')).toContain(REQUEST_ID);
    expect(consoleLines.join('\n')).not.toContain('boom');
  });
});

describe('notFoundHandler', () => {
  it('answers 404 NOT_FOUND in the standard body with the request id', async () => {
    const { app } = buildApp();
    app.get('/exists', (c) => c.text('ok'));

    const response = await request(app, '/does-not-exist');

    expect(response.status).toBe(404);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expect(response.headers.get('X-Request-Id')).toBe(REQUEST_ID);
    expect(await readBody(response)).toEqual({
      error: { code: 'NOT_FOUND', message: 'Not found', requestId: REQUEST_ID },
    });
  });
});
