import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createWorkerApp, type WorkerEnv } from './create-worker-app';
import { requireConfig } from './require-config';
import { captureConsole } from './testing';

const schema = z.object({
  API_KEY: z.string().min(20, { error: 'must be at least 20 characters' }),
  MODE: z.enum(['a', 'b']),
});

function appWith() {
  const app = createWorkerApp<WorkerEnv<z.infer<typeof schema>>>({
    service: 'worker-runtime-test',
  });
  app.use('*', requireConfig({ schema }));
  app.get('/config', (c) => c.json({ mode: c.var.config.MODE }));
  return app;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('requireConfig', () => {
  it('puts the parsed configuration on the context', async () => {
    captureConsole('log');
    const response = await appWith().request(
      '/config',
      {},
      {
        API_KEY: 'k'.repeat(24),
        MODE: 'b',
      },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ mode: 'b' });
  });

  it('answers 500 without details and logs one line naming the variables, never their values', async () => {
    captureConsole('log');
    const errors = captureConsole('error');

    const response = await appWith().request('/config', {}, { API_KEY: 'short-secret-value' });

    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text).error).toMatchObject({
      code: 'INTERNAL_ERROR',
      message: 'Internal server error',
    });
    expect(text).not.toMatch(/API_KEY|MODE|short-secret/);
    const lines = errors.filter((line) => line.includes('worker misconfigured'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('API_KEY: must be at least 20 characters');
    expect(lines[0]).toContain('MODE: missing');
    expect(lines[0]).not.toContain('short-secret-value');
  });

  it('throws at construction when no schema is given', () => {
    expect(() => requireConfig({ schema: undefined as unknown as z.ZodType<unknown> })).toThrow(
      /schema/,
    );
  });
});
