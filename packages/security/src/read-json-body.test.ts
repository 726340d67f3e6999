import { ObservabilityClient } from '@codex/observability';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createErrorHandler } from './create-error-handler';
import type { ErrorBody } from './error-response';
import { readJsonBody } from './read-json-body';

function buildApp() {
  const app = new Hono();
  const logger = new ObservabilityClient('test', 'test', { write: () => undefined });
  app.onError(createErrorHandler({ logger: () => logger }));
  app.post('/echo', async (c) => c.json({ received: await readJsonBody(c) }));
  return app;
}

function post(contentType: string | undefined, body: RequestInit['body']): RequestInit {
  return {
    method: 'POST',
    headers: contentType === undefined ? {} : { 'Content-Type': contentType },
    body,
  };
}

describe('readJsonBody', () => {
  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'Application/JSON; charset=UTF-8',
    'application/json;charset="utf-8"',
  ])('parses a JSON body sent as %s', async (contentType) => {
    const response = await buildApp().request('/echo', post(contentType, '{"contentId":"abc"}'));

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: { contentId: 'abc' } });
  });

  it.each([
    ['no Content-Type', undefined],
    ['text/plain', 'text/plain'],
    ['form data', 'application/x-www-form-urlencoded'],
    ['a JSON look-alike', 'application/jsonp'],
    ['a non-UTF-8 charset', 'application/json; charset=iso-8859-1'],
  ])('answers 415 UNSUPPORTED_MEDIA_TYPE for %s', async (_label, contentType) => {
    const response = await buildApp().request('/echo', post(contentType, '{"a":1}'));

    expect(response.status).toBe(415);
    expect(((await response.json()) as ErrorBody).error).toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'Content-Type must be application/json',
    });
  });

  it.each([
    ['malformed JSON', '{"contentId": <script>alert(1)</script>'],
    ['an empty body', ''],
    ['a truncated document', '{"contentId":'],
  ])('answers 400 VALIDATION_ERROR for %s without echoing it', async (_label, body) => {
    const response = await buildApp().request('/echo', post('application/json', body));
    const text = await response.text();

    expect(response.status).toBe(400);
    expect((JSON.parse(text) as ErrorBody).error).toMatchObject({
      code: 'VALIDATION_ERROR',
      message: 'Request body is not valid JSON',
    });
    expect(text).not.toContain('script');
  });

  it('answers 400 for a body that is not valid UTF-8', async () => {
    const bytes = new Uint8Array([0x22, 0xff, 0xfe, 0x22]); // "\xff\xfe"
    const response = await buildApp().request('/echo', post('application/json', bytes));

    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.code).toBe('VALIDATION_ERROR');
  });

  it('returns JSON scalars and arrays as they are (validation is the caller’s job)', async () => {
    const response = await buildApp().request('/echo', post('application/json', '[1,"two",null]'));

    expect(await response.json()).toEqual({ received: [1, 'two', null] });
  });
});
