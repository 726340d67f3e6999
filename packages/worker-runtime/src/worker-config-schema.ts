import { z } from 'zod';
import { refusePlaceholders } from './refuse-placeholders';

/** The deployment environments a worker knows; anything else is a misconfiguration. */
export const ENVIRONMENTS = ['development', 'test', 'staging', 'production'] as const;

/** One of {@link ENVIRONMENTS}. */
export type Environment = (typeof ENVIRONMENTS)[number];

/**
 * The bindings every worker of this repository reads (database, Stripe, environment), as a zod
 * object to `.extend()` with a worker's own. `STRIPE_SECRET_KEY` is required here; a worker that
 * can run without it overrides the field. The secrets refuse obvious placeholders
 * (`refusePlaceholders`); wrap a worker's own secrets the same way.
 */
export const workerConfigSchema = z.object({
  DATABASE_URL: refusePlaceholders(
    z.string().regex(/^postgres(ql)?:\/\//, { error: 'must be a postgres:// connection string' }),
  ),
  // host:port/path of the WebSocket-to-TCP bridge in front of a plain Postgres (local runs, tests).
  DATABASE_WS_PROXY: z.string().min(1).optional(),
  // The same bridge's SQL-over-HTTP endpoint (local runs, tests); unset for Neon's own.
  DATABASE_HTTP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  STRIPE_SECRET_KEY: refusePlaceholders(
    z
      .string()
      .regex(/^(sk|rk)_(test|live)_\w+$/, { error: 'must be a Stripe secret or restricted key' }),
  ),
  // A Stripe-compatible API for local runs and tests; unset in production (api.stripe.com).
  STRIPE_API_BASE: z.url({ protocol: /^https?$/ }).optional(),
  ENVIRONMENT: z.enum(ENVIRONMENTS),
});

/** What {@link workerConfigSchema} gives. */
export type WorkerConfig = z.infer<typeof workerConfigSchema>;

/** Bindings as Cloudflare hands them to a worker: strings, unvalidated, any of them missing. */
export interface WorkerBindings {
  DATABASE_URL?: string;
  DATABASE_WS_PROXY?: string;
  DATABASE_HTTP_ENDPOINT?: string;
  STRIPE_SECRET_KEY?: string;
  STRIPE_API_BASE?: string;
  ENVIRONMENT?: string;
}
