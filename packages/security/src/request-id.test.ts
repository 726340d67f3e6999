import { ObservabilityClient } from '@codex/observability';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createErrorHandler } from './create-error-handler';
import { requestId } from './request-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function buildApp() {
  const app = new Hono<{ Variables: { requestId: string } }>();
  const logger = new ObservabilityClient('test', 'test', { write: () => undefined });
  app.use(requestId());
  app.onError(createErrorHandler({ logger: () => logger }));
  app.get('/id', (c) => c.json({ requestId: c.get('requestId') }));
  app.get('/raw', () => new Response('raw'));
  app.get('/throws', () => {
    throw new Error('boom');
  });
  return app;
}

async function idsOf(response: Response): Promise<{ header: string | null; body: string }> {
  const body = (await response.json()) as { requestId?: string; error?: { requestId: string } };
  return {
    header: response.headers.get('X-Request-Id'),
    body: body.requestId ?? body.error?.requestId ?? '',
  };
}

describe('requestId', () => {
  it.each([
    'abcdefgh',
    'req_2025-01-31T12:00:00.000Z',
    '6c0a4f3e-2b1d-4e8f-9a7c-5d3b2e1f0a9b',
    'a'.repeat(128),
  ])('echoes the well-formed incoming id %s', async (incoming) => {
    const response = await buildApp().request('/id', { headers: { 'X-Request-Id': incoming } });

    expect(await idsOf(response)).toEqual({ header: incoming, body: incoming });
  });

  it.each([
    ['with spaces', 'has some spaces in it'],
    ['of 300 characters', 'a'.repeat(300)],
    ['of 129 characters', 'a'.repeat(129)],
    ['shorter than 8 characters', 'abc1234'],
    ['with a newline-like or quote character', 'abcdefgh"<script>'],
    ['with non-ASCII characters', 'abcdefgh\u00e9'],
    ['empty', ''],
  ])('replaces an incoming id %s with a UUID', async (_label, incoming) => {
    const response = await buildApp().request('/id', { headers: { 'X-Request-Id': incoming } });

    const ids = await idsOf(response);
    expect(ids.body).toMatch(UUID);
    expect(ids.header).toBe(ids.body);
  });

  it('generates a fresh UUID per request when none is sent', async () => {
    const app = buildApp();

    const first = await idsOf(await app.request('/id'));
    const second = await idsOf(await app.request('/id'));

    expect(first.body).toMatch(UUID);
    expect(second.body).toMatch(UUID);
    expect(first.body).not.toBe(second.body);
  });

  it('uses the injected generator', async () => {
    const app = new Hono<{ Variables: { requestId: string } }>();
    app.use(requestId({ generate: () => 'generated-id' }));
    app.get('/', (c) => c.text(c.get('requestId')));

    const response = await app.request('/', { headers: { 'X-Request-Id': 'bad id' } });

    expect(await response.text()).toBe('generated-id');
    expect(response.headers.get('X-Request-Id')).toBe('generated-id');
  });

  it('sets the header on a Response the handler built itself', async () => {
    const response = await buildApp().request('/raw', {
      headers: { 'X-Request-Id': 'incoming-id-1' },
    });

    expect(await response.text()).toBe('raw');
    expect(response.headers.get('X-Request-Id')).toBe('incoming-id-1');
  });

  it('sets the header and body id on responses built by onError', async () => {
    const response = await buildApp().request('/throws', {
      headers: { 'X-Request-Id': 'incoming-id-2' },
    });

    expect(response.status).toBe(500);
    expect(await idsOf(response)).toEqual({ header: 'incoming-id-2', body: 'incoming-id-2' });
  });
});
