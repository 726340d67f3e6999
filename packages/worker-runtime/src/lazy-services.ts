import type { Database, HttpDatabase } from '@codex/database';
import type { ObservabilityClient } from '@codex/observability';
import type { Context, Env, MiddlewareHandler } from 'hono';
import type Stripe from 'stripe';
import type { WorkerVariables } from './create-worker-app';

/** The variables of `E` that are getters (`() => Service`): the ones {@link lazyServices} can set. */
type ServiceGetters<E extends Env> = {
  [K in keyof E['Variables'] as E['Variables'][K] extends () => unknown
    ? K
    : never]: E['Variables'][K];
};

/** One builder per service getter: how to build it from the request's context. */
export type ServiceBuilders<E extends Env> = {
  [K in keyof ServiceGetters<E>]?: ServiceGetters<E>[K] extends () => infer Service
    ? (c: Context<E>) => Service
    : never;
};

/**
 * Puts a getter on the context for each builder (`c.var.checkout()`, …): the service is built on
 * its first call and reused for the rest of the request, so a request that never asks for one
 * (refused on auth, say) never builds it, nor opens the database or the Stripe client behind it.
 * Runs after the middleware its builders read (`requestDatabase()`, `requestStripe()`).
 */
export const lazyServices = <E extends Env>(builders: ServiceBuilders<E>): MiddlewareHandler<E> =>
  async function lazyServices(c, next) {
    for (const [name, build] of Object.entries(builders) as Array<
      [string, (c: Context<E>) => unknown]
    >) {
      let service: { value: unknown } | undefined;
      // `name` is a key of E's variables whose value is a getter: what `ServiceBuilders` allows.
      (c.set as (key: string, value: () => unknown) => void)(name, () => {
        service ??= { value: build(c) };
        return service.value;
      });
    }
    await next();
  };

/** What every service of the business packages is built on, for one request. */
export interface RequestServiceDependencies {
  db: Database;
  http: HttpDatabase;
  stripe: Stripe | undefined;
  logger: ObservabilityClient;
}

/**
 * The request's database (pool and SQL over HTTP), Stripe client and logger, as the services take
 * them. Calling it builds nothing that connects: the pool opens on its first query.
 */
export function requestServiceDependencies(c: {
  var: Pick<WorkerVariables<unknown>, 'database' | 'httpDatabase' | 'stripe' | 'logger'>;
}): RequestServiceDependencies {
  return {
    db: c.var.database(),
    http: c.var.httpDatabase(),
    stripe: c.var.stripe(),
    logger: c.var.logger,
  };
}
