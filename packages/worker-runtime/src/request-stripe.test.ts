import { afterEach, describe, expect, it, vi } from 'vitest';
import type { z } from 'zod';
import { createWorkerApp, type WorkerEnv } from './create-worker-app';
import { requestStripe } from './request-stripe';
import { requireConfig } from './require-config';
import { captureConsole, workerTestEnv } from './testing';
import { workerConfigSchema } from './worker-config-schema';

const optionalKeySchema = workerConfigSchema.partial({ STRIPE_SECRET_KEY: true });

function appWith() {
  const app = createWorkerApp<WorkerEnv<z.infer<typeof optionalKeySchema>>>({
    service: 'worker-runtime-test',
  });
  app.use('*', requireConfig({ schema: optionalKeySchema }));
  app.use('*', requestStripe());
  app.get('/stripe', async (c) => {
    const stripe = c.var.stripe();
    if (!stripe) return c.json({ configured: false });
    // Reused for the rest of the request.
    expect(c.var.stripe()).toBe(stripe);
    // Pointed at STRIPE_API_BASE (the stand-in), as a worker under test is.
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [
        {
          quantity: 1,
          price_data: { currency: 'usd', unit_amount: 100, product_data: { name: 'probe' } },
        },
      ],
      success_url: 'https://app.codex.test/done',
      cancel_url: 'https://app.codex.test/cancelled',
    });
    return c.json({ configured: true, sessionId: session.id });
  });
  return app;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('requestStripe', () => {
  it('builds one client from the configuration, pointed at STRIPE_API_BASE', async () => {
    captureConsole('log');
    const response = await appWith().request('/stripe', {}, workerTestEnv());
    const body = (await response.json()) as { configured: boolean; sessionId?: string };
    expect(body.configured).toBe(true);
    expect(body.sessionId).toMatch(/^cs_/);
  });

  it('gives undefined when no STRIPE_SECRET_KEY is configured', async () => {
    captureConsole('log');
    const response = await appWith().request(
      '/stripe',
      {},
      { ...workerTestEnv(), STRIPE_SECRET_KEY: undefined },
    );
    expect(await response.json()).toEqual({ configured: false });
  });
});
