import { ApiError } from '@codex/security';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWorkerApp, type WorkerEnv } from './create-worker-app';
import { captureConsole, expectHealthAnswer } from './testing';

class TeapotError extends Error {}

function appWith() {
  const app = createWorkerApp<WorkerEnv>({
    service: 'worker-runtime-test',
    mapError: (error) =>
      error instanceof TeapotError ? new ApiError('CONTENT_NOT_FOUND', 'No such tea') : undefined,
  });
  app.get('/teapot', () => {
    throw new TeapotError('internal detail: kettle 7');
  });
  app.get('/broken', () => {
    throw new Error('internal detail: postgres://app:hunter2@db');
  });
  return app;
}

interface ErrorBody {
  error: { code: string; message: string; requestId: string };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createWorkerApp', () => {
  it('answers GET /health with security headers and a request id, needing no bindings', async () => {
    const logs = captureConsole('log');
    await expectHealthAnswer(await appWith().request('/health', {}, { ENVIRONMENT: 'staging' }));
    const [line] = logs.map((entry) => JSON.parse(entry) as Record<string, unknown>);
    expect(line).toMatchObject({
      service: 'worker-runtime-test',
      environment: 'staging',
      message: 'request completed',
    });
  });

  it('answers an unknown route 404 NOT_FOUND in the error shape, with the request id', async () => {
    captureConsole('log');
    const response = await appWith().request('/nothing-here');
    expect(response.status).toBe(404);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe('NOT_FOUND');
    expect(body.error.requestId).toBe(response.headers.get('X-Request-Id'));
  });

  it("answers the worker's domain errors through mapError", async () => {
    captureConsole('log');
    const response = await appWith().request('/teapot');
    expect(response.status).toBe(404);
    expect(((await response.json()) as ErrorBody).error).toMatchObject({
      code: 'CONTENT_NOT_FOUND',
      message: 'No such tea',
    });
  });

  it('answers anything else 500 INTERNAL_ERROR without internals', async () => {
    captureConsole('log');
    captureConsole('error');
    const response = await appWith().request('/broken');
    expect(response.status).toBe(500);
    const text = await response.text();
    expect((JSON.parse(text) as ErrorBody).error.code).toBe('INTERNAL_ERROR');
    expect(text).not.toMatch(/hunter2|postgres|internal detail/);
  });
});
