import type { z } from 'zod';

/** The outcome of {@link readConfig}: the parsed configuration, or what is wrong with it. */
export type ConfigResult<T> = { ok: true; config: T } | { ok: false; problems: string[] };

// Per schema, per bindings object: workerd hands the same `env` object to every request of an
// isolate, so each schema parses it once.
const cache = new WeakMap<object, WeakMap<object, ConfigResult<unknown>>>();

/** Unset, or set to nothing (`KEY=` in a .dev.vars file): reported as `missing`. */
function isUnset(value: unknown): boolean {
  return value === undefined || value === '';
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * Validates a worker's bindings with `schema`, once per (schema, bindings object) pair: a later
 * call with the same two objects returns the same result without parsing again. On failure the
 * result lists one problem per issue as `NAME: why` (`DATABASE_URL: missing` for an unset or empty one,
 * `AUTH_JWT_SECRET: must be at least 32 characters`): the variable's name and the schema's
 * message, never the value. Never throws.
 */
export function readConfig<T>(schema: z.ZodType<T>, env: unknown): ConfigResult<T> {
  const isCacheable = typeof env === 'object' && env !== null;
  let perEnv = cache.get(schema);
  const cached = isCacheable ? perEnv?.get(env) : undefined;
  if (cached) return cached as ConfigResult<T>;
  const parsed = schema.safeParse(env);
  const result: ConfigResult<T> = parsed.success
    ? { ok: true, config: parsed.data }
    : {
        ok: false,
        problems: parsed.error.issues.map(
          (issue) =>
            `${issue.path.map(String).join('.')}: ${isUnset(valueAt(env, issue.path)) ? 'missing' : issue.message}`,
        ),
      };
  if (isCacheable) {
    if (!perEnv) {
      perEnv = new WeakMap();
      cache.set(schema, perEnv);
    }
    perEnv.set(env, result);
  }
  return result;
}
