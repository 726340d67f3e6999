import { z } from 'zod';

/** Bindings as Cloudflare hands them to the worker (strings unvalidated). */
export interface WebhookBindings {
  STRIPE_WEBHOOK_SECRET_PAYMENT?: string;
  STRIPE_SECRET_KEY?: string;
  STRIPE_API_BASE?: string;
  DATABASE_URL?: string;
  DATABASE_WS_PROXY?: string;
  ENVIRONMENT?: string;
}

const reconciliationSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { error: 'must be a postgres:// connection string' }),
  DATABASE_WS_PROXY: z.string().min(1).optional(),
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_\w+$/, { error: 'must be a Stripe secret or restricted key' }),
  STRIPE_API_BASE: z.url({ protocol: /^https?$/ }).optional(),
  ENVIRONMENT: z.enum(['development', 'test', 'staging', 'production']),
});

// Webhooks work without a Stripe API key (verification needs only the signing secret); the key is
// used to trace a refund or dispute through its payment intent when nothing else names the purchase.
const webhookSchema = reconciliationSchema.extend({
  STRIPE_SECRET_KEY: z.preprocess(
    (value) => (value === '' ? undefined : value),
    reconciliationSchema.shape.STRIPE_SECRET_KEY.optional(),
  ),
  STRIPE_WEBHOOK_SECRET_PAYMENT: z
    .string()
    .regex(/^whsec_\w+$/, { error: 'must be a Stripe webhook signing secret (whsec_…)' }),
});

/** What the scheduled reconciliation needs: no webhook secret. */
export type ReconciliationConfig = z.infer<typeof reconciliationSchema>;

/** What the webhook endpoint needs. */
export type WebhookConfig = z.infer<typeof webhookSchema>;

export type ConfigResult<T> = { ok: true; config: T } | { ok: false; problems: string[] };

const webhookCache = new WeakMap<object, ConfigResult<WebhookConfig>>();
const reconciliationCache = new WeakMap<object, ConfigResult<ReconciliationConfig>>();

/**
 * Validates the bindings the webhook endpoint needs, once per bindings object (workerd reuses it
 * across requests). On failure returns the names of the offending variables and why, never their
 * values.
 */
export function readWebhookConfig(env: WebhookBindings): ConfigResult<WebhookConfig> {
  return readCached(webhookSchema, env, webhookCache);
}

/**
 * Validates the bindings reconciliation needs. The webhook secret is not one of them: the safety
 * net for lost webhooks keeps running when the webhook endpoint itself is misconfigured.
 */
export function readReconciliationConfig(env: WebhookBindings): ConfigResult<ReconciliationConfig> {
  return readCached(reconciliationSchema, env, reconciliationCache);
}

function readCached<T>(
  schema: z.ZodType<T>,
  env: WebhookBindings,
  cache: WeakMap<object, ConfigResult<T>>,
): ConfigResult<T> {
  const cached = cache.get(env);
  if (cached) return cached;
  const parsed = schema.safeParse(env);
  const result: ConfigResult<T> = parsed.success
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
