import { Hono } from 'hono';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { requestId } from './request-id';
import { requestLogging } from './request-logging';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('requestLogging', () => {
  it('binds a logger with the request id and writes one timing line with the route pattern', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    const app = new Hono<{ Bindings: { ENVIRONMENT: string } }>()
      .use(requestId())
      .use(requestLogging({ service: 'test-service', environment: (c) => c.env.ENVIRONMENT }))
      .get('/items/:id', (c) => {
        c.var.logger.info('inside the handler');
        return c.text('ok');
      });

    const response = await app.request(
      '/items/42?secret=x',
      { headers: { 'X-Request-Id': 'request-12345678' } },
      { ENVIRONMENT: 'staging' },
    );

    expect(response.status).toBe(200);
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.map((entry) => entry.message)).toEqual([
      'inside the handler',
      'request completed',
    ]);
    expect(entries[1]).toMatchObject({
      service: 'test-service',
      environment: 'staging',
      requestId: 'request-12345678',
      context: { method: 'GET', route: '/items/:id', status: 200 },
    });
    expect(lines.join('\n')).not.toContain('secret=x');
  });
});
