import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { handledStripeEventTypes } from '@codex/purchases';
import { describe, expect, it } from 'vitest';
import { unstable_readConfig } from 'wrangler';
import { workerDirs } from './start-local-stack';

type Worker = keyof typeof workerDirs;

/** A worker's configuration as `wrangler deploy [--env <env>]` resolves it. */
function resolvedConfig(worker: Worker, env?: string) {
  return unstable_readConfig(
    { config: join(workerDirs[worker], 'wrangler.jsonc'), ...(env ? { env } : {}) },
    { hideWarnings: true },
  );
}

describe.each(Object.keys(workerDirs) as Worker[])('%s wrangler.jsonc', (worker) => {
  it('sets no ENVIRONMENT at the top level, so a plain `wrangler deploy` fails its config check instead of serving as development', () => {
    expect(resolvedConfig(worker).vars).not.toHaveProperty('ENVIRONMENT');
  });

  it.each(['staging', 'production'])(
    'deploys --env %s as a worker of its own, with that ENVIRONMENT',
    (env) => {
      const topLevel = resolvedConfig(worker);
      const config = resolvedConfig(worker, env);
      expect(config.vars).toMatchObject({ ENVIRONMENT: env });
      expect(config.name).toBe(`${topLevel.name}-${env}`);
      // Inherited from the top level (wrangler environments inherit these).
      expect(config.compatibility_date).toBe(topLevel.compatibility_date);
      expect(config.triggers).toEqual(topLevel.triggers);
    },
  );
});

describe('checkout wrangler.jsonc', () => {
  it('repeats the rate limits in each environment (bindings are not inherited), each with a namespace of its own', () => {
    const namespaces = [undefined, 'staging', 'production'].flatMap((env) => {
      const [checkout, staff, ...others] = resolvedConfig('checkout', env).ratelimits;
      expect(others).toEqual([]);
      expect(checkout).toMatchObject({
        name: 'CHECKOUT_RATE_LIMITER',
        simple: { limit: 10, period: 60 },
      });
      expect(staff).toMatchObject({
        name: 'STAFF_RATE_LIMITER',
        simple: { limit: 120, period: 60 },
      });
      return [checkout?.namespace_id, staff?.namespace_id];
    });
    expect(new Set(namespaces).size).toBe(6);
  });

  it('never gives staging or production the local WEB_APP_URL (vars are not inherited)', () => {
    for (const env of ['staging', 'production']) {
      const { WEB_APP_URL } = resolvedConfig('checkout', env).vars;
      expect(String(WEB_APP_URL ?? '')).not.toMatch(/localhost|127\.0\.0\.1/);
    }
  });
});

describe('webhooks wrangler.jsonc', () => {
  it('runs reconciliation every 10 minutes in every environment', () => {
    for (const env of [undefined, 'staging', 'production']) {
      expect(resolvedConfig('webhooks', env).triggers.crons).toEqual(['*/10 * * * *']);
    }
  });
});

describe('webhooks wrangler.jsonc comment', () => {
  /** What the Stripe endpoint must be subscribed to under the money model. */
  const SUBSCRIBED_EVENTS = [
    'checkout.session.completed',
    'checkout.session.async_payment_succeeded',
    'checkout.session.async_payment_failed',
    'checkout.session.expired',
    'charge.refunded',
    'refund.created',
    'refund.updated',
    'refund.failed',
    'charge.refund.updated',
    'charge.dispute.created',
    'charge.dispute.updated',
    'charge.dispute.closed',
    'charge.dispute.funds_withdrawn',
    'charge.dispute.funds_reinstated',
  ];

  async function eventsNamed(): Promise<string[]> {
    const text = await readFile(join(workerDirs.webhooks, 'wrangler.jsonc'), 'utf8');
    return [...text.matchAll(/\b(?:checkout\.session|charge|refund)\.[a-z_.]*[a-z_]/g)].map(
      ([name]) => name,
    );
  }

  it('names every event the endpoint must be subscribed to, each in full', async () => {
    expect((await eventsNamed()).sort()).toEqual([...SUBSCRIBED_EVENTS].sort());
  });

  it('names every event type the fulfillment service handles', async () => {
    expect(await eventsNamed()).toEqual(expect.arrayContaining([...handledStripeEventTypes]));
  });
});
