import { ObservabilityClient } from '@codex/observability';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createErrorHandler } from './create-error-handler';
import type { ErrorBody } from './error-response';
import { limitBody } from './limit-body';

function buildApp(maxBytes = 16) {
  const app = new Hono();
  const logger = new ObservabilityClient('test', 'test', { write: () => undefined });
  app.onError(createErrorHandler({ logger: () => logger }));
  app.post('/upload', limitBody({ maxBytes }), async (c) => c.text(await c.req.text()));
  return app;
}

function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) {
        controller.enqueue(encoder.encode(chunk));
      }
      controller.close();
    },
  });
}

function streamedRequest(body: ReadableStream<Uint8Array>): Request {
  return new Request('http://localhost/upload', {
    method: 'POST',
    body,
    // Node's fetch needs this for a stream body; there is then no Content-Length.
    duplex: 'half',
  } as RequestInit);
}

describe('limitBody', () => {
  it('lets a body up to the limit through, intact', async () => {
    const response = await buildApp().request('/upload', {
      method: 'POST',
      body: 'x'.repeat(16),
    });

    expect(response.status).toBe(200);
    expect(await response.text()).toBe('x'.repeat(16));
  });

  it('answers 413 PAYLOAD_TOO_LARGE for a declared Content-Length over the limit', async () => {
    const response = await buildApp().request('/upload', {
      method: 'POST',
      body: 'x'.repeat(17),
    });

    expect(response.status).toBe(413);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(body.error.message).toBe('Request body must not exceed 16 bytes');
  });

  it('answers 413 for a streamed body without Content-Length once it passes the limit', async () => {
    const request = streamedRequest(streamOf('x'.repeat(10), 'x'.repeat(10)));
    expect(request.headers.has('Content-Length')).toBe(false);

    const response = await buildApp().request(request);

    expect(response.status).toBe(413);
    expect(((await response.json()) as ErrorBody).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('lets a streamed body under the limit through, intact', async () => {
    const response = await buildApp().request(streamedRequest(streamOf('hello ', 'world')));

    expect(response.status).toBe(200);
    expect(await response.text()).toBe('hello world');
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'throws at construction for maxBytes %d',
    (maxBytes) => {
      expect(() => limitBody({ maxBytes })).toThrow(/maxBytes/);
    },
  );
});
