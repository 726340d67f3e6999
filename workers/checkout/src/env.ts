import type { RateLimiter } from '@codex/security';
import { z } from 'zod';

/** Bindings as Cloudflare hands them to the worker (strings unvalidated). */
export interface CheckoutBindings {
  DATABASE_URL?: string;
  DATABASE_WS_PROXY?: string;
  STRIPE_SECRET_KEY?: string;
  STRIPE_API_BASE?: string;
  AUTH_JWT_SECRET?: string;
  WEB_APP_URL?: string;
  ENVIRONMENT?: string;
  /** Cloudflare rate-limiting binding; absent in plain local runs (an in-memory limiter stands in). */
  CHECKOUT_RATE_LIMITER?: RateLimiter;
}

const configSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { error: 'must be a postgres:// connection string' }),
  DATABASE_WS_PROXY: z.string().min(1).optional(),
  // Optional: without it, paid checkout answers 503 PAYMENT_PROVIDER_NOT_CONFIGURED (local runs
  // with free content); an empty value counts as unset.
  STRIPE_SECRET_KEY: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z
      .string()
      .regex(/^(sk|rk)_(test|live)_\w+$/, { error: 'must be a Stripe secret or restricted key' })
      .optional(),
  ),
  STRIPE_API_BASE: z.url({ protocol: /^https?$/ }).optional(),
  AUTH_JWT_SECRET: z.string().min(32, { error: 'must be at least 32 characters' }),
  // Used as the CORS origin and the base of Stripe's return URLs: normalised to a bare origin.
  WEB_APP_URL: z.url({ protocol: /^https?$/ }).transform((value) => new URL(value).origin),
  ENVIRONMENT: z.enum(['development', 'test', 'staging', 'production']),
});

/** Validated configuration of one worker instance. */
export type CheckoutConfig = z.infer<typeof configSchema>;

export type ConfigResult = { ok: true; config: CheckoutConfig } | { ok: false; problems: string[] };

const cache = new WeakMap<object, ConfigResult>();

/**
 * Validates the bindings once per bindings object (workerd reuses it across requests). On failure
 * returns the names of the offending variables and why, never their values.
 */
export function readConfig(env: CheckoutBindings): ConfigResult {
  const cached = cache.get(env);
  if (cached) return cached;
  const parsed = configSchema.safeParse(env);
  const result: ConfigResult = parsed.success
    ? { ok: true, config: parsed.data }
    : {
        ok: false,
        problems: parsed.error.issues.map(
          (issue) =>
            `${issue.path.join('.')}: ${issue.code === 'invalid_type' ? 'missing' : issue.message}`,
        ),
      };
  cache.set(env, result);
  return result;
}
