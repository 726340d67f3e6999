import type { ObservabilityClient } from '@codex/observability';
import { ApiError } from '@codex/security';
import type { MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import { readConfig } from './read-config';

/** Options for {@link requireConfig}. */
export interface RequireConfigOptions<T> {
  /** The bindings the routes behind this middleware need, e.g. `workerConfigSchema.extend({…})`. */
  schema: z.ZodType<T>;
}

/** What {@link requireConfig} reads from and puts on the context. */
export interface RequireConfigEnv<T> {
  Variables: { config: T; logger: ObservabilityClient };
}

/**
 * Validates the bindings with `schema` (once per bindings object, see `readConfig`) and puts the
 * result on the context as `config`. A missing or malformed binding is a misconfiguration: one
 * `worker misconfigured` error line listing the variables and why (never their values), and a 500
 * `INTERNAL_ERROR` without details. Runs after `requestLogging()` (it logs through `c.var.logger`).
 *
 * @throws Error at construction when no schema is given.
 */
export const requireConfig = <T>(
  options: RequireConfigOptions<T>,
): MiddlewareHandler<RequireConfigEnv<T>> => {
  const { schema } = options;
  if (typeof schema?.safeParse !== 'function') {
    throw new Error('requireConfig: a zod schema of the bindings is required');
  }
  return async function requireConfig(c, next) {
    const result = readConfig(schema, c.env);
    if (!result.ok) {
      c.var.logger.error('worker misconfigured', { problems: result.problems });
      throw new ApiError('INTERNAL_ERROR', 'Internal server error');
    }
    c.set('config', result.config);
    await next();
  };
};
